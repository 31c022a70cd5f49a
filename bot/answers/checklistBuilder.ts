import { DEFAULT_LANG, type Lang } from '../i18n/localizer.js';
import type { KnowledgeBase } from '../knowledge/knowledgeBase.js';
import type { OfficeDirectory } from '../knowledge/officeDirectory.js';
import type { Matter, Office, Question } from '../knowledge/schema.js';
import { dependsOn, holds, type Answers } from './conditions.js';
import { asName, localize, localizeAll, officeName, type Localized } from './knowledgeText.js';

export interface ChecklistLine {
  text: string;
  /** 原件 / 复印件 / 加盖鲜章 … */
  form?: string;
  source: string;
  /** only 事项清单 says this (the guide is silent) */
  fromList: boolean;
  /** the editors' inference, not the sources' words: the answer says so */
  judgement: boolean;
  /** where it comes from, shown beside it when that is not this matter's own item (有效身份证件) */
  cite?: string;
}

export interface Checklist {
  /** the language every text below is in */
  lang: Lang;
  no: number;
  /** the matter is an item of 办事指南 (numbered as there); otherwise it comes from 事项清单 alone */
  fromGuide: boolean;
  title: string;
  materials: ChecklistLine[];
  timeLimit: string;
  process: string[];
  channelsNow: string[];
  channelsLater: string[];
  unit: string;
  otherUnits: string[];
  notes: ChecklistLine[];
  related: { no: number; title: string; reason: string; judgement: boolean }[];
  /** whom to call; undefined only when the county is needed and unknown */
  office: Office | undefined;
  /** the office's name in `lang` */
  officeName: string | undefined;
  /** which level the office is at, so the answer can say why that office */
  officeLevel: Office['level'] | undefined;
  answers: Answers;
  /** some Tibetan in it is a draft awaiting review */
  draft: boolean;
  /** texts shown in Chinese because no Tibetan exists yet (empty in Chinese) */
  untranslated: string[];
}

/**
 * The 办事指南 made personal: a matter's base materials plus those the answers
 * add, the time limit that applies, the notes that apply, and the right office.
 * Pure: the same matter and answers always give the same checklist.
 */
export class ChecklistBuilder {
  constructor(
    private readonly knowledge: KnowledgeBase,
    private readonly offices: OfficeDirectory,
  ) {}

  /** The next question worth asking: its own condition holds, and some part of the answer depends on it. */
  nextQuestion(matter: Matter, answers: Answers): Question | undefined {
    const delegation = this.knowledge.general.delegation;
    const conditions = [
      ...matter.materials.map((x) => x.when),
      ...matter.notes.map((x) => x.when),
      ...matter.timeLimit.variants.map((x) => x.when),
      ...matter.related.map((x) => x.when),
      ...matter.questions.map((x) => x.when),
      ...(matter.personal ? delegation.materials.map((x) => x.when) : []),
    ];
    for (const q of this.knowledge.questionsFor(matter)) {
      if (answers[q.id] !== undefined || !holds(q.when, answers)) continue;
      if (q === delegation.question && !this.delegationApplies(matter, answers)) continue;
      if (conditions.some((c) => dependsOn(c, q.id, answers))) return q;
    }
    return undefined;
  }

  /**
   * Answers the person already gave in their own words ("我是灵活就业人员…"):
   * a question counts as answered when exactly one of its options is named.
   */
  answersIn(matter: Matter, text: string, normalize: (s: string) => string): Answers {
    const said = normalize(text);
    const answers: Record<string, string[]> = {};
    if (said === '') return answers;
    for (const q of this.knowledge.questionsFor(matter)) {
      const named = q.options.filter(
        (o) =>
          o.id !== 'none' &&
          optionWords(o)
            .map((w) => normalize(w).replace(TIBETAN_END, ''))
            .some((w) => [...w].length >= 2 && said.includes(w)),
      );
      // Several-answer questions are still asked: naming one case does not rule out the others.
      if (named.length === 1 && !q.multi) answers[q.id] = named.map((o) => o.id);
    }
    return answers;
  }

  /**
   * The shared 委托办理 rule applies to a personal matter unless an answer says the
   * insured person cannot apply at all (a newborn, a deceased person): then the
   * one who applies does so by right, and "本人还是委托" makes no sense.
   */
  delegationApplies(matter: Matter, answers: Answers): boolean {
    if (!matter.personal) return false;
    return !matter.questions.some((q) => q.options.some((o) => o.onBehalf && (answers[q.id] ?? []).includes(o.id)));
  }

  /** Where the person must be placed before the answer can name an office. */
  placeNeeded(matter: Matter): 'household' | 'county' | 'prefecture' | undefined {
    const levels = matter.unit.levels;
    if (matter.unit.householdRegistration) return 'household';
    if (levels.includes('county')) return 'county';
    if (levels.includes('prefecture')) return 'prefecture';
    return undefined;
  }

  build(matter: Matter, answers: Answers, place: Office | undefined, lang: Lang = DEFAULT_LANG): Checklist {
    // Every text passes through here, so the checklist knows whether it holds drafts or Chinese fallbacks.
    let draft = false;
    const untranslated: string[] = [];
    const use = (l: Localized): string => {
      draft ||= l.draft;
      if (l.missing && l.text !== '') untranslated.push(l.text);
      return l.text;
    };
    type Line = ChecklistLine & { zh: string };
    const materials: Line[] = [...matter.materials, ...(this.delegationApplies(matter, answers) ? this.knowledge.general.delegation.materials : [])]
      .filter((x) => holds(x.when, answers))
      .map((x) => ({
        text: use(localize(x, 'name', lang)),
        form: x.form === undefined ? undefined : use(localize(x, 'form', lang)),
        source: x.source,
        fromList: x.source.startsWith('list'),
        judgement: x.judgement !== undefined,
        zh: x.name,
      }));

    const variant = matter.timeLimit.variants.find((v) => holds(v.when, answers));
    const notes: Line[] = matter.notes
      .filter((n) => holds(n.when, answers))
      .map((n) => ({
        text: use(localize(n, 'text', lang)),
        source: n.source,
        fromList: n.source.startsWith('list'),
        judgement: n.judgement !== undefined,
        zh: n.text,
      }));
    // The guide's definition of 有效身份证件 ("下同") belongs wherever a material asks for one.
    const validId = this.knowledge.general.validId;
    if (materials.some((m) => validId.appliesWhen.some((w) => m.zh.includes(w)))) {
      const line: Line = {
        text: use(localize(validId, 'text', lang)),
        source: validId.source,
        fromList: false,
        judgement: false,
        cite: use(localize(validId, 'cite', lang)),
        zh: validId.text,
      };
      // A matter that quotes it already (item 二 itself) keeps its own line, now with the citation.
      const own = notes.findIndex((n) => n.zh === validId.text);
      if (own >= 0) notes[own] = { ...notes[own]!, cite: line.cite };
      else notes.push(line);
    }
    // The list's closing remarks apply wherever their subject appears in this answer (matched on the Chinese),
    // within the matters they name and outside the cases they except.
    const haystack = [...materials.map((m) => m.zh), matter.process.text].join('|');
    for (const g of this.knowledge.general.notes) {
      if (g.matters && !g.matters.includes(matter.no)) continue;
      if (g.except.some((x) => x.matter === matter.no && holds(x.when, answers))) continue;
      if (g.appliesWhen.some((w) => haystack.includes(w)) && !notes.some((n) => n.zh === g.text)) {
        notes.push({
          text: use(localize(g, 'text', lang)),
          source: g.source,
          fromList: g.source.startsWith('list'),
          // Its words are the list's own; only where it applies is the editors' call (kept in the data).
          judgement: false,
          zh: g.text,
        });
      }
    }

    const related = matter.related
      .filter((r) => holds(r.when, answers))
      .map((r) => {
        const other = this.knowledge.matter(r.no);
        return {
          no: r.no,
          title: other ? use(asName(localize(other, 'title', lang))) : '',
          reason: use(localize(r, 'reason', lang)),
          judgement: r.judgement !== undefined,
        };
      });

    const needed = this.placeNeeded(matter);
    const office = needed === undefined || place ? this.offices.forLevels(place, matter.unit.levels) : undefined;
    const strip = ({ zh: _zh, ...line }: Line): ChecklistLine => line;

    return {
      lang,
      no: matter.no,
      fromGuide: matter.sources.title?.startsWith('guide:') ?? false,
      title: use(asName(localize(matter, 'title', lang))),
      materials: materials.map(strip),
      timeLimit: use(variant ? localize(variant, 'text', lang) : localize(matter.timeLimit, 'text', lang)),
      process: localizeAll(matter.process, 'steps', lang).map(use),
      channelsNow: localizeAll(matter.channels, 'now', lang).map(use),
      channelsLater: localizeAll(matter.channels, 'later', lang).map(use),
      unit: use(localize(matter.unit, 'text', lang)),
      otherUnits: localizeAll(matter.unit, 'others', lang).map(use),
      notes: notes.map(strip),
      related,
      office,
      officeName: office ? use(officeName(office, lang)) : undefined,
      officeLevel: office?.level,
      answers,
      draft,
      untranslated,
    };
  }
}

/** a Tibetan word's closing tsheg or shad, which a person may leave out */
const TIBETAN_END = /[\u0F0B-\u0F14\s]+$/u;

/** Everything that names an option: the Chinese label and synonyms, the Tibetan label and search words. */
export function optionWords(o: Question['options'][number]): string[] {
  return [o.label, ...o.synonyms, ...(o.bo ? [o.bo.label.text, ...(o.bo.searchTerms ?? []).map((t) => t.text)] : [])];
}
