import { z } from 'zod';

/**
 * The shape of everything under knowledge/. Editors change the JSON; this file
 * only says what a valid edit looks like, so start-up can refuse a broken one.
 */

/** Where a piece of knowledge came from: `guide` = 附件3 办事指南, `list` = 附件1 事项清单. */
export const SourceRef = z.string().regex(/^(guide|list|tsv|general)(:.+)?$/, 'a source is "guide:…", "list:…", "tsv:…" or "general:…"');

/**
 * A condition on the person's answers: every key is a question id, its value the
 * option ids any of which satisfies it (AND across keys, OR within one key).
 */
export const Condition = z.record(z.string().min(1), z.array(z.string().min(1)).min(1));
export type Condition = z.infer<typeof Condition>;

const TIBETAN_SCRIPT = /[\u0F00-\u0FFF]/;

/**
 * One Tibetan string beside the Chinese it renders. `verified` needs a citation
 * (a source document or a named reviewer); `draft` was composed by the team and
 * awaits a native speaker's review. `npm run kb:bo-export` lists every draft.
 * A string with no `status` is a draft whose source is its file's `tibetanDraft`
 * note, so the same note is not repeated on every string.
 */
export const BoText = z
  .object({
    text: z.string().min(1).regex(TIBETAN_SCRIPT, 'Tibetan text must contain Tibetan script'),
    status: z.enum(['verified', 'draft']).default('draft'),
    /** the citation of a verified string, or who composed a draft (else the file's tibetanDraft.source) */
    source: z.string().min(1).optional(),
  })
  .refine((b) => b.status !== 'verified' || b.source !== undefined, { message: 'a verified Tibetan string needs its source', path: ['source'] });
export type BoText = z.infer<typeof BoText>;

/** Said once per file: who composed the drafts that carry no status or source of their own. */
export const TibetanDraft = z.object({ source: z.string().min(1) }).strict();

/**
 * The Tibetan of an object's fields: `bo.X` renders the sibling field `X`
 * (an array renders the sibling array item by item). Keys with no sibling
 * (`searchTerms`) are Tibetan words people use, for search only.
 */
/**
 * A call the sources do not state in so many words (an editor's inference), and
 * why it was made. Shown to people as the editors' note, never as the source's text.
 */
export const Judgement = z.string().min(1).optional();

const bo = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict().optional();
const BoList = z.array(BoText);

export const QuestionOption = z.object({
  id: z.string().regex(/^[a-z][a-zA-Z0-9_]*$/),
  label: z.string().min(1),
  /** words a person may type instead of pressing the button */
  synonyms: z.array(z.string().min(1)).default([]),
  /** what the option means when the sources define it */
  hint: z.string().optional(),
  /**
   * Choosing it means the insured person cannot apply in person (a newborn, a
   * deceased person): someone else applies by right, so the shared 委托办理
   * question is not asked and its materials (授权委托书 …) do not apply.
   */
  onBehalf: z.boolean().default(false),
  bo: bo({ label: BoText, searchTerms: BoList.optional() }),
});

export const Question = z.object({
  id: z.string().regex(/^[a-z][a-zA-Z0-9_]*$/),
  text: z.string().min(1),
  /** several options may hold at once (e.g. 急诊 and 外购药品 in one claim) */
  multi: z.boolean().default(false),
  options: z.array(QuestionOption).min(2),
  /** asked only when this holds */
  when: Condition.optional(),
  source: SourceRef,
  bo: bo({ text: BoText }),
});

export const Material = z.object({
  id: z.string().regex(/^[a-z][a-zA-Z0-9_]*$/),
  name: z.string().min(1),
  /** 原件 / 复印件 / 一式两份 / 加盖鲜章 … as the text says */
  form: z.string().optional(),
  /** needed only when this holds; absent = always */
  when: Condition.optional(),
  /** the sentence of the source that attaches it to a situation */
  conditionText: z.string().optional(),
  source: SourceRef,
  judgement: Judgement,
  bo: bo({ name: BoText, form: BoText.optional() }),
});

export const Note = z.object({
  text: z.string().min(1),
  when: Condition.optional(),
  source: SourceRef,
  judgement: Judgement,
  bo: bo({ text: BoText }),
});

export const TimeLimitValue = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('instant'), text: z.string().min(1) }),
  z.object({ kind: z.literal('workingDays'), days: z.number().int().positive(), text: z.string().min(1) }),
  /** 按两定机构协议管理办法和经办规程执行 */
  z.object({ kind: z.literal('perRules'), text: z.string().min(1) }),
]);

export const TimeLimit = z.intersection(
  TimeLimitValue,
  z.object({
    /** a different limit for some answers (灵活就业人员即时办结) */
    variants: z
      .array(z.intersection(TimeLimitValue, z.object({ when: Condition, bo: bo({ text: BoText }) })))
      .default([]),
    source: SourceRef,
    bo: bo({ text: BoText }),
  }),
);

export const Level = z.enum(['region', 'prefecture', 'county']);
export type Level = z.infer<typeof Level>;

export const Unit = z.object({
  text: z.string().min(1),
  levels: z.array(Level).min(1),
  /** 户籍所在地县（区）: the person must go to the county of household registration */
  householdRegistration: z.boolean(),
  /** other handling bodies named beside the 医保 offices (区外离退休服务管理部门) */
  others: z.array(z.string()).default([]),
  source: SourceRef,
  bo: bo({ text: BoText, others: BoList.optional() }),
});

export const Related = z.object({
  no: z.number().int().positive(),
  when: Condition.optional(),
  reason: z.string().min(1),
  source: SourceRef,
  judgement: Judgement,
  bo: bo({ reason: BoText }),
});

/** What 事项清单 says where it differs from, or adds to, the guide. */
export const ListEntry = z.object({
  row: z.string().min(1),
  category: z.string().min(1),
  categoryCode: z.string().nullable(),
  title: z.string().min(1),
  materials: z.array(z.string()).default([]),
  timeLimit: z.string().nullable(),
  process: z.string().nullable(),
  remarks: z.array(z.string()).default([]),
  /** how the row was reconstructed from the garbled table */
  reconstruction: z.string().optional(),
});

export const Discrepancy = z.object({
  field: z.string().min(1),
  guide: z.string(),
  list: z.string(),
  kept: z.enum(['guide', 'list', 'both']),
  comment: z.string().optional(),
});

export const Matter = z.object({
  tibetanDraft: TibetanDraft.optional(),
  no: z.number().int().min(1),
  code: z.string().regex(/^[0-9A-Z]+$/, 'code is the 事项编码 without spaces').nullable(),
  title: z.string().min(1),
  /** the guide's heading when it differs from 事项名称 (item 17) */
  heading: z.string().optional(),
  category: z.string().min(1),
  categoryCode: z.string().nullable(),
  /** kiosk / fallback group id from knowledge/categories.json */
  group: z.string().min(1),
  /** a sentence saying what the matter is for, in plain words */
  summary: z.string().min(1),
  /** a personal matter someone else may apply for on the person's behalf (委托办理) */
  personal: z.boolean(),
  unit: Unit,
  audience: z.object({ text: z.string().min(1), source: SourceRef, bo: bo({ text: BoText }) }),
  channels: z.object({
    text: z.string().min(1),
    now: z.array(z.string().min(1)).min(1),
    later: z.array(z.string().min(1)).default([]),
    source: SourceRef,
    bo: bo({ now: BoList, later: BoList.optional() }),
  }),
  process: z.object({ text: z.string().min(1), steps: z.array(z.string().min(1)).min(2), source: SourceRef, bo: bo({ steps: BoList }) }),
  timeLimit: TimeLimit,
  query: z.string().nullable(),
  evaluation: z.string().nullable(),
  questions: z.array(Question).default([]),
  materials: z.array(Material).min(1),
  notes: z.array(Note).default([]),
  legalBasis: z.object({ items: z.array(z.string().min(1)), source: SourceRef }),
  related: z.array(Related).default([]),
  /** words and phrases people use for this matter, beside its title */
  keywords: z.array(z.string().min(1)).default([]),
  /** whole questions as citizens ask them; editors add to these from the review queue */
  examples: z.array(z.string().min(1)).default([]),
  /**
   * How people tell the situation this matter serves, in their own words ("在医院上了个环"),
   * from the development question sets; they train the example classifier, not the vocabulary.
   */
  situations: z.array(z.string().min(1)).default([]),
  /**
   * Words that say the question is about this matter's particular audience
   * (单位, 离休, 药店 …). When a question has none of them, the matter is ranked
   * down, so a generic "报销" does not land on the 离休干部 matter.
   */
  qualifiers: z.array(z.string().min(1)).default([]),
  list: ListEntry.nullable(),
  discrepancies: z.array(Discrepancy).default([]),
  sources: z.record(z.string(), z.string()),
  /** the editors' inferences in fields that carry no `judgement` of their own (code, summary …): field → why */
  judgements: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Tibetan of title, category (主项) and summary, and Tibetan words people use for the matter */
  bo: bo({ title: BoText, category: BoText, summary: BoText, searchTerms: BoList.optional() }),
});
export type Matter = z.infer<typeof Matter>;
export type Question = z.infer<typeof Question>;
export type Material = z.infer<typeof Material>;
export type TimeLimit = z.infer<typeof TimeLimit>;

export const TibetanName = z.object({
  script: z.string().min(1),
  wylie: z.string().optional(),
  status: z.enum(['verified', 'draft']),
  /** the tsv's source column, verbatim */
  source: z.string().min(1),
  note: z.string().optional(),
});

/**
 * The numbers in a phone text as the guide prints it: "0891—6609963,6655657" is 0891-6609963 and
 * 0891-6655657 (any dash; a bare number takes the area code before it). Undefined when a part is unreadable.
 */
export function phonesOf(phoneText: string): string[] | undefined {
  let area = '';
  const phones: string[] = [];
  for (const part of phoneText.split(/[,，、]/)) {
    const p = part.trim().replace(/[—–－‐‑―﹣]/g, '-');
    const full = /^(0\d{2,3})-\d{7,8}$/.exec(p);
    if (full) area = full[1]!;
    if (full || /^1\d{10}$/.test(p)) phones.push(p);
    else if (/^\d{7,8}$/.test(p) && area !== '') phones.push(`${area}-${p}`);
    else return undefined;
  }
  return phones;
}

export const Office = z.object({
  /** the directory's own label, e.g. 拉萨市城关区 */
  name: z.string().min(1),
  /** the division's formal name, e.g. 城关区 */
  division: z.string().min(1),
  level: Level,
  /** parent prefecture's formal name; null for the region */
  prefecture: z.string().nullable(),
  /** the numbers to dial; read from `phoneText` unless given (only for a text that cannot be read) */
  phones: z.array(z.string().regex(/^[0-9][0-9-]{6,}$/)).min(1).optional(),
  /** the phone text exactly as the guide prints it */
  phoneText: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  formerNames: z.array(z.string().min(1)).default([]),
  /** not a county: 柳梧新区, 经开区 */
  special: z.boolean().default(false),
  tibetan: z.array(TibetanName).default([]),
  source: SourceRef,
}).transform((o, ctx) => {
  const phones = o.phones ?? phonesOf(o.phoneText);
  if (phones) return { ...o, phones };
  ctx.addIssue({
    code: 'custom',
    path: ['phoneText'],
    message: `读不出电话号码："${o.phoneText}"（写成 0891-6609963 或 11 位手机号，多个用逗号或顿号隔开；同区号的可只写后面的号码）`,
  });
  return z.NEVER;
});

export type Office = z.infer<typeof Office>;

export const Synonym = z.object({
  /** the word the knowledge uses */
  canonical: z.string().min(1),
  /** what citizens type instead */
  variants: z.array(z.string().min(1)).min(1),
});

export const Lexicon = z.object({
  /** domain words nodejieba must keep whole */
  terms: z.array(z.string().min(1)),
  synonyms: z.array(Synonym),
  /** single-character variants folded before anything else (帐 → 账) */
  charVariants: z.record(z.string().length(1), z.string().length(1)),
  /** words that carry no meaning for matching */
  stopwords: z.array(z.string().min(1)),
  /** words that mean the question is outside what we handle (养老保险, 公积金 …) */
  outOfScope: z.array(z.string().min(1)),
  /** whole questions people ask a medical-insurance desk that are not ours: the example classifier's out-of-scope class */
  outOfScopeExamples: z.array(z.string().min(1)).default([]),
  /**
   * Ordinary words that hold a place name but are not about the place (规定日期 holds 定日, 参加查询 加查,
   * 填错那个 错那, 阿里巴巴 阿里, 吉隆坡 吉隆, 城关镇 a town of many counties, other regions' 自治区). They take part
   * in the longest-match competition like names do, so the characters they cover are not read as a place.
   */
  placeBlockers: z.array(z.string().min(1)).default([]),
});
export type Lexicon = z.infer<typeof Lexicon>;

export const Category = z.object({
  id: z.string().regex(/^[a-z][a-zA-Z0-9_]*$/),
  label: z.string().min(1),
  /** what the kiosk button / WeChat menu sends to start it */
  query: z.string().min(1),
  bo: bo({ label: BoText, query: BoText.optional() }),
});

export const Categories = z.object({ tibetanDraft: TibetanDraft.optional(), categories: z.array(Category).min(1) });

export const General = z.object({
  tibetanDraft: TibetanDraft.optional(),
  /** 委托办理: applies to every personal matter */
  delegation: z.object({
    question: Question,
    materials: z.array(Material).min(1),
  }),
  /** the list's closing remarks (处方底方, 电子发票, payment to another's account) */
  notes: z.array(
    z.object({
      id: z.string().regex(/^[a-z][a-zA-Z0-9_]*$/),
      text: z.string().min(1),
      /** substrings of a checklist that make the note apply */
      appliesWhen: z.array(z.string().min(1)).min(1),
      /** only in these matters, where the words alone reach too far (拨付 to an institution is not 医保待遇 to a person) */
      matters: z.array(z.number().int().positive()).optional(),
      /** not in these cases of a matter (the money goes to the employer's account) */
      except: z
        .array(z.object({ matter: z.number().int().positive(), when: Condition, reason: z.string().min(1) }))
        .default([]),
      judgement: Judgement,
      source: SourceRef,
      bo: bo({ text: BoText }),
    }),
  ),
  /** 有效身份证件包括… (guide item 二, note 2: 下同) */
  validId: z.object({
    text: z.string().min(1),
    /** material names that make it part of the answer */
    appliesWhen: z.array(z.string().min(1)).min(1),
    /** where it comes from, as the answer shows it beside the text (it is another item's note) */
    cite: z.string().min(1),
    source: SourceRef,
    bo: bo({ text: BoText, cite: BoText }),
  }),
});

/** Shared Chinese → Tibetan terms (knowledge/glossary.json), so a word is rendered alike everywhere. */
export const Glossary = z.object({
  about: z.string().optional(),
  tibetanDraft: TibetanDraft.optional(),
  terms: z.array(z.object({ zh: z.string().min(1), bo: BoText })).min(1),
});
export type Glossary = z.infer<typeof Glossary>;

/** a share or threshold in [0, 1] */
const Share = z.number().min(0).max(1);
/** a factor of a probability: above 0, below 1 */
const Ratio = z.number().gt(0).lt(1);
const MatcherTuning = z
  .object({
    minScore: Share,
    ambiguityRatio: Share,
    listFloor: Share,
    outOfScopePenalty: Share,
    qualifierPenalty: Share,
    unknownWordWeight: z.number().min(0).max(10),
    titleShare: Share,
    minFieldWeight: Share,
    exampleWeight: Share,
    namedExampleWeight: Share,
    shortQuestion: z.number().int().min(0).max(1000),
    blendedMinScore: Share,
    exampleConfidence: Share,
    rankerWeight: Share,
    namedScore: Share,
    outOfScopeRatio: Ratio,
    outOfScopeRatioUnmatched: Ratio,
    outOfScopeRatioWord: Ratio,
    neighbourMargin: Share,
    neighbourRatio: Share,
    neighbourNamedScore: Share,
  })
  .strict();

/**
 * The understanding pipeline's thresholds (knowledge/tuning.json), chosen by measurement and documented in
 * knowledge/README.md: `matcher` for every question, `chinese` / `tibetan` what a question in that language
 * scores with instead (a mixed message scores as Chinese). Strict: a misspelt name is an error, not a default.
 */
export const Tuning = z
  .object({
    about: z.string().optional(),
    matcher: MatcherTuning,
    chinese: MatcherTuning.partial().strict(),
    tibetan: MatcherTuning.partial().strict(),
    /** why each value is what it is: field → the measurement that chose it */
    judgements: z.record(z.string().min(1), z.string().min(1)).default({}),
  })
  .strict()
  .superRefine((t, ctx) => {
    for (const lang of ['chinese', 'tibetan'] as const) {
      const merged = { ...t.matcher, ...t[lang] };
      // the stricter rule must be stricter, or it refuses nothing the ordinary one lets through
      if (merged.outOfScopeRatioUnmatched > merged.outOfScopeRatio)
        ctx.addIssue({ code: 'custom', path: [lang, 'outOfScopeRatioUnmatched'], message: 'outOfScopeRatioUnmatched 必须不大于 outOfScopeRatio' });
      if (merged.outOfScopeRatioWord > merged.outOfScopeRatioUnmatched)
        ctx.addIssue({ code: 'custom', path: [lang, 'outOfScopeRatioWord'], message: 'outOfScopeRatioWord 必须不大于 outOfScopeRatioUnmatched' });
    }
  });
export type Tuning = z.infer<typeof Tuning>;
