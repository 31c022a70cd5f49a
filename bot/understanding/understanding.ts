import type { KnowledgeBase } from '../knowledge/knowledgeBase.js';
import { MatchScorer, type MatterEvidence } from './matchScorer.js';
import { MatterMatcher, type MatcherTuning, type MatterScore, type MatterSearch, type Outcome } from './matterMatcher.js';
import { OfficeResolver, type OfficeResolution } from './officeResolver.js';
import { Segmenter } from './segmenter.js';
import { SynonymExpander } from './synonymExpander.js';
import { TextNormalizer } from './textNormalizer.js';
import { TibetanMatcher } from './tibetanMatcher.js';
import { hasTibetan, TibetanNormalizer } from './tibetanNormalizer.js';
import { TibetanWylie } from './tibetanWylie.js';
import { chineseUnits, ExampleClassifier, exampleGrams } from './exampleClassifier.js';
import { ExampleRanker, type RankedExamples } from './exampleRanker.js';
import { OutOfScopeNeighbours } from './outOfScopeNeighbours.js';
import { firstChars } from './textBound.js';

/** The language a question is read in (the API's `lang=zh|bo`, the eval sets'): not the UI's locale code (i18n's Lang). */
export type QuestionLang = 'zh' | 'bo';

/** the knowledge the pipeline reads: a KnowledgeBase, or a copy of its parts (cross-validation trains on folds) */
export type UnderstandingKnowledge = Pick<KnowledgeBase, 'matters' | 'lexicon' | 'offices' | 'directory' | 'glossary' | 'tuning'>;

export interface UnderstandOptions {
  /** 'bo': Latin text that is well-formed Wylie is read as Tibetan (otherwise only when it looks like Wylie) */
  lang?: QuestionLang;
}

export interface Understood {
  /** what the person typed */
  query: string;
  /** after normalisation and synonym expansion: what was matched */
  normalized: string;
  outcome: Outcome;
  matches: MatterScore[];
  terms: string[];
  /** for `none`: the closest matters all the same, best first (empty when nothing at all was recognised) */
  nearest: MatterScore[];
  offices: OfficeResolution;
  /** what the message was written in: Chinese (or other Latin text), Tibetan script, Wylie */
  scripts: { zh: boolean; bo: boolean; wylie: boolean };
}

/**
 * Without lang=bo, Latin text is taken for Wylie only when it has at least this many
 * syllables and this share of them are Tibetan words the knowledge uses.
 */
const WYLIE_GUESS_MIN_SYLLABLES = 2;
const WYLIE_GUESS_MIN_KNOWN = 0.5;
const TIBETAN_BLOCK = /[\u0F00-\u0FFF]+/gu;
const CHINESE_OR_LATIN = /[\p{Script=Han}a-zA-Z]/u;

interface Reading {
  /** the Chinese (and other Latin) part, normalised and synonym-expanded; '' when there is none */
  expanded: string;
  /** the Tibetan part (Wylie converted), normalised; '' when there is none */
  tibetan: string;
  /** what the office resolver reads */
  officeText: string;
  scripts: Understood['scripts'];
}

/**
 * The one pipeline every channel uses: normalise → expand → segment → match, and find
 * offices. A message's Chinese and its Tibetan (script, or Wylie) go through their own
 * matcher and are scored together as one question.
 */
export class Understanding {
  private readonly normalizer: TextNormalizer;
  private readonly offices: OfficeResolver;
  private readonly expander: SynonymExpander;
  private matcher: MatterMatcher;
  private tibetan: TibetanMatcher;
  private scorer: MatchScorer;
  /** the example classifiers, one per script: Chinese characters, Tibetan syllables */
  private examples: ExampleClassifier;
  private tibetanExamples: ExampleClassifier;
  /** the example rankers (BM25), one per script */
  private ranker: ExampleRanker;
  private tibetanRanker: ExampleRanker;
  /** the matters' and the out-of-scope examples in one BM25 index, one per script: the out-of-scope second opinion (undefined while it is off) */
  private neighbours: OutOfScopeNeighbours | undefined;
  private tibetanNeighbours: OutOfScopeNeighbours | undefined;
  /** scores a question in Tibetan alone, where the examples weigh more (tuning.json's `tibetan`) */
  private tibetanScorer: MatchScorer;
  private readonly tibetanNormalizer = new TibetanNormalizer();
  private readonly wylie = new TibetanWylie();

  /** the thresholds come from the knowledge (knowledge/tuning.json), so a re-index or a cross-validation fold reads the same */
  constructor(kb: UnderstandingKnowledge) {
    const { lexicon } = kb;
    const tuning: MatcherTuning = kb.tuning.matcher;
    this.normalizer = new TextNormalizer(lexicon.charVariants);
    const normalize = (s: string): string => this.normalizer.normalize(s);
    const segmenter = new Segmenter(
      [
        ...lexicon.terms,
        ...lexicon.synonyms.flatMap((s) => s.canonical.split(' ')),
        ...kb.offices.flatMap((o) => [o.division, ...o.aliases, ...o.formerNames]),
      ].map(normalize),
    );
    this.expander = new SynonymExpander(lexicon.synonyms, normalize);
    this.matcher = new MatterMatcher(
      kb.matters,
      segmenter,
      new Set(lexicon.stopwords.map(normalize)),
      lexicon.outOfScope.map(normalize),
      new Set(kb.offices.flatMap((o) => [o.name, o.division, ...o.aliases, ...o.formerNames]).map(normalize)),
      normalize,
      tuning,
    );
    this.tibetan = new TibetanMatcher(
      { matters: kb.matters, glossary: kb.glossary, outOfScope: lexicon.outOfScope, offices: kb.offices, normalizeZh: normalize },
      this.tibetanNormalizer,
      tuning,
    );
    this.scorer = new MatchScorer(kb.matters, { ...tuning, ...kb.tuning.chinese });
    this.tibetanScorer = new MatchScorer(kb.matters, { ...tuning, ...kb.tuning.tibetan });
    const said = kb.matters.map((m) => [...m.examples, ...m.situations]);
    // Each matter's own title and keywords teach the classifiers too (leave-one-out over the development situations: 92.2 -> 93.5 %);
    // in Chinese twice over, so a matter's many long situations do not drown its own name: with the second writer's
    // questions "新农合怎么参保" leaned to matter 6 (whose situations say 城乡居民医保 more often). Leave-one-writer-out:
    // accuracy@1 90.5 -> 90.3 %, in scope answered none 2.3 -> 2.0 %.
    const named = kb.matters.map((m) => [m.title, ...m.keywords]);
    const chineseSaid = said.map((examples) => examples.filter((e) => !hasTibetan(e)));
    const tibetanSaid = said.map((examples) => examples.filter(hasTibetan));
    // The classifier, the ranker and the neighbours read the same examples: each is normalised, cut into units and counted once.
    const chineseGramsOf = exampleGrams((e) => chineseUnits(this.expander.expand(normalize(e))));
    const tibetanGramsOf = exampleGrams((e) => this.tibetan.contentUnits(this.tibetanNormalizer.normalize(e)));
    const tibetanNames = kb.matters.map((m) => (m.bo ? [m.bo.title.text, ...(m.bo.searchTerms ?? []).map((t) => t.text)] : []));
    // each script's documents (the examples and the matter's names) and out-of-scope examples, read by the classifier, the ranker and the neighbours
    const chineseDocs = chineseSaid.map((examples, i) => [...examples, ...named[i]!]);
    const tibetanDocs = tibetanSaid.map((examples, i) => [...examples, ...tibetanNames[i]!]);
    const chineseOutOfScope = lexicon.outOfScopeExamples.filter((e) => !hasTibetan(e));
    const tibetanOutOfScope = lexicon.outOfScopeExamples.filter(hasTibetan);
    this.examples = new ExampleClassifier(
      chineseDocs.map((docs, i) => [...docs, ...named[i]!]),
      chineseOutOfScope,
      chineseGramsOf,
    );
    this.tibetanExamples = new ExampleClassifier(tibetanDocs, tibetanOutOfScope, tibetanGramsOf);
    this.ranker = new ExampleRanker(chineseDocs, chineseGramsOf);
    this.tibetanRanker = new ExampleRanker(tibetanDocs, tibetanGramsOf);
    // the same documents as the rankers, and the out-of-scope examples beside them; built only when some language uses it
    // (neighbourMargin 1 is off): ~110 ms of start-up and re-index for the Chinese index alone
    const off = [kb.tuning.chinese, kb.tuning.tibetan].every((t) => (t.neighbourMargin ?? tuning.neighbourMargin) >= 1);
    this.neighbours = off ? undefined : new OutOfScopeNeighbours(chineseDocs, chineseOutOfScope, chineseGramsOf);
    this.tibetanNeighbours = off ? undefined : new OutOfScopeNeighbours(tibetanDocs, tibetanOutOfScope, tibetanGramsOf);
    this.offices = new OfficeResolver(kb.directory, { blockers: lexicon.placeBlockers });
  }

  /**
   * Re-indexes the matters in place, e.g. after editors taught new example phrases
   * (POST /api/admin/reload); everything holding this object sees the new index at once.
   */
  reindex(kb: UnderstandingKnowledge): void {
    const next = new Understanding(kb);
    this.matcher = next.matcher;
    this.tibetan = next.tibetan;
    this.scorer = next.scorer;
    this.tibetanScorer = next.tibetanScorer;
    this.examples = next.examples;
    this.tibetanExamples = next.tibetanExamples;
    this.ranker = next.ranker;
    this.tibetanRanker = next.tibetanRanker;
    this.neighbours = next.neighbours;
    this.tibetanNeighbours = next.tibetanNeighbours;
  }

  /** Reads only the first UNDERSTOOD_CHARS characters: a turn's cost must not grow with a pasted letter. */
  understand(text: string, options: UnderstandOptions = {}): Understood {
    const read = this.read(firstChars(text), options.lang ?? 'zh');
    let found: MatterSearch;
    const { neighbours: zh, tibetanNeighbours: bo } = this;
    if (!read.scripts.bo && !read.scripts.wylie) {
      const units = chineseUnits(read.expanded);
      found = this.scorer.decide(
        this.matcher.evidence(read.expanded),
        this.examples.classify(units),
        () => this.ranker.rank(units),
        zh && ((): number => OutOfScopeNeighbours.margin(zh.rank(units))),
      );
    } else {
      // Each script's part through its own matcher, scored as one question.
      let evidence: MatterEvidence = this.tibetan.evidence(read.tibetan);
      if (read.scripts.zh) evidence = MatchScorer.combine(this.matcher.evidence(read.expanded), evidence);
      const tibetanUnits = this.tibetan.contentUnits(read.tibetan);
      let verdict = this.tibetanExamples.classify(tibetanUnits);
      // A mixed message (营业执照 ལེན་ཚར་ཡོད།): both parts' units are evidence for the same classes. Leave-one-writer-out,
      // against scoring a mixed message by its words alone: the new writer's Tibetan (half mixed) 62.7 -> 76.5 % acc@1,
      // the earlier writer's 62.1 -> 67.6 %; no Chinese set moves. Blended with the Chinese weights: a mixed message
      // names its matter in Chinese as often as not, and the Tibetan ones cost nothing measurable but lean harder on the examples.
      const units = read.scripts.zh ? chineseUnits(read.expanded) : [];
      if (read.scripts.zh) verdict = ExampleClassifier.joint(verdict, this.examples.classify(units));
      const rank = (): RankedExamples => {
        const ranked = this.tibetanRanker.rank(tibetanUnits);
        return read.scripts.zh ? ExampleRanker.joint(ranked, this.ranker.rank(units)) : ranked;
      };
      const neighbours =
        zh && bo
          ? (): number => {
              const ranked = bo.rank(tibetanUnits);
              return OutOfScopeNeighbours.margin(read.scripts.zh ? ExampleRanker.joint(ranked, zh.rank(units)) : ranked);
            }
          : undefined;
      found = (read.scripts.zh ? this.scorer : this.tibetanScorer).decide(evidence, verdict, rank, neighbours);
    }
    return {
      query: text,
      normalized: [read.expanded, read.tibetan].filter((s) => s !== '').join(' '),
      outcome: found.outcome,
      matches: found.matches,
      terms: found.terms,
      nearest: found.nearest ?? [],
      offices: this.offices.resolve(read.officeText),
      scripts: read.scripts,
    };
  }

  /** simplified Chinese, half-width: how knowledge and messages are compared */
  normalize(text: string): string {
    return this.normalizer.normalize(text);
  }

  /** the offices a short answer names (a place typed or tapped), read as written: no Wylie */
  placesIn(text: string): OfficeResolution {
    return this.offices.resolve(this.normalizer.normalize(text));
  }

  /** the offices named in `text`, in Chinese, Tibetan or (with lang=bo, or when it looks like it) Wylie */
  findOffices(text: string, options: UnderstandOptions = {}): OfficeResolution {
    return this.offices.resolve(this.read(firstChars(text), options.lang ?? 'zh').officeText);
  }

  /** The message split by script and normalised: its Chinese part expanded, its Tibetan part with Wylie converted. */
  private read(text: string, lang: QuestionLang): Reading {
    const { written, wylie } = this.readWylie(text, lang);
    if (!hasTibetan(written)) {
      const plain = this.normalizer.normalize(text);
      return { expanded: this.expander.expand(plain), tibetan: '', officeText: plain, scripts: { zh: true, bo: false, wylie: false } };
    }
    const chinese = written.replace(TIBETAN_BLOCK, ' ');
    const tibetan = this.tibetanNormalizer.normalize(written.replace(/[^\u0F00-\u0FFF\s]+/gu, ' '));
    const zh = CHINESE_OR_LATIN.test(chinese);
    const plain = zh ? this.normalizer.normalize(chinese) : '';
    return {
      expanded: zh ? this.expander.expand(plain) : '',
      tibetan,
      officeText: [plain, this.tibetan.officeText(tibetan)].filter((s) => s !== '').join(' '),
      scripts: { zh, bo: hasTibetan(text), wylie },
    };
  }

  /**
   * The text with its Wylie runs written in Tibetan: every well-formed run for lang=bo;
   * otherwise only runs that look like Wylie (several syllables, mostly words the
   * knowledge uses), so "APP" or "help" stay Latin.
   */
  private readWylie(text: string, lang: QuestionLang): { written: string; wylie: boolean } {
    if (!/[a-zA-Z]/u.test(text)) return { written: text, wylie: false };
    let written = text;
    let wylie = false;
    for (const run of this.wylie.runs(text)) {
      const taken =
        lang === 'bo' ||
        (run.syllables.length >= WYLIE_GUESS_MIN_SYLLABLES && this.tibetan.knownShare(this.tibetanNormalizer.normalize(run.tibetan)) >= WYLIE_GUESS_MIN_KNOWN);
      if (!taken) continue;
      written = written.replace(run.latin, ` ${run.tibetan} `);
      wylie = true;
    }
    return { written, wylie };
  }
}
