import { pinyin } from 'pinyin-pro';
import type { Matter } from '../knowledge/schema.js';
import { MatchScorer, type MatterEvidence } from './matchScorer.js';
import type { MatcherTuning } from './matchTypes.js';
import type { Segmenter } from './segmenter.js';
import { FuzzyTerms, type FuzzyHit } from './fuzzyTerms.js';
import { HitCoverage } from './hitCoverage.js';
import { HomophoneIndex } from './homophoneIndex.js';
import { TermAutomaton } from './termAutomaton.js';
import { TermIndex } from './termIndex.js';

// The shapes both matchers and MatchScorer share live in matchTypes.ts, so the scorer does not import its user.
export type { MatcherTuning, MatterScore, MatterSearch, Outcome } from './matchTypes.js';

// The thresholds are knowledge (knowledge/tuning.json), handed in by Understanding.

/** How much a word found in each part of a matter says about it (the Tibetan matcher uses the same). */
export const FIELD_WEIGHTS = {
  title: 1,
  keywords: 0.9,
  examples: 0.7,
  category: 0.5,
  summary: 0.5,
  options: 0.45,
  audience: 0.4,
  materials: 0.3,
} as const;

const HOMOPHONE_SIMILARITY = 0.85;
const FUZZY_DISCOUNT = 0.8;
/**
 * Fuzzy look-ups per question: each costs about a millisecond (fuse.js over ~1,250 terms),
 * so a long message of unknown words must not buy hundreds. No labelled question needs
 * more than 4; later unexplained words simply stay unexplained.
 */
const MAX_FUZZY_LOOKUPS = 8;

interface Hit {
  term: string;
  similarity: number;
  start: number;
  end: number;
}

/**
 * Ranks matters for a question: vocabulary words of each matter's weighted fields
 * are found in the question as written, as homophones (pinyin, for IME slips like
 * 报消) or, for words still unexplained, by fuse.js fuzzy search. The score is the
 * share of the question's meaningful mass the matter explains, blended with how
 * much of the matter's own title the question covers.
 */
export class MatterMatcher {
  private readonly vocabulary = new TermIndex();
  private readonly titleTerms: string[][];
  /** idf mass of each matter's title, constant once the index is built */
  private readonly titleMass: number[];
  /** the vocabulary in one automaton, so a question is read once for every exact term */
  private readonly exact: TermAutomaton;
  private readonly exactTerms: string[];
  /** terms by their pinyin, to find homophone slips */
  private readonly homophones: HomophoneIndex;
  private readonly fuzzy: FuzzyTerms;
  /** characters in the longest fuzzy-searchable term: a longer word could never be accepted */
  private readonly longestFuzzyTerm: number;
  private readonly qualifiers: string[][];
  private readonly scorer: MatchScorer;
  private readonly unknownWordWeight: number;

  constructor(
    private readonly matters: readonly Matter[],
    private readonly segmenter: Segmenter,
    private readonly stopwords: ReadonlySet<string>,
    private readonly outOfScope: readonly string[],
    /** words that neither match nor dilute: place names, handled by the office resolver */
    private readonly neutral: ReadonlySet<string>,
    private readonly normalize: (s: string) => string,
    tuning: MatcherTuning,
  ) {
    this.scorer = new MatchScorer(matters, tuning);
    this.unknownWordWeight = tuning.unknownWordWeight;
    matters.forEach((m, i) => {
      this.index(i, FIELD_WEIGHTS.title, [m.title, ...(m.heading ? [m.heading] : [])], true);
      this.index(i, FIELD_WEIGHTS.keywords, m.keywords, true);
      this.index(i, FIELD_WEIGHTS.examples, m.examples, false);
      this.index(i, FIELD_WEIGHTS.category, [m.category], false);
      this.index(i, FIELD_WEIGHTS.summary, [m.summary], false);
      this.index(
        i,
        FIELD_WEIGHTS.options,
        m.questions.flatMap((q) => q.options.filter((o) => o.id !== 'none').flatMap((o) => [o.label, ...o.synonyms])),
        true,
      );
      this.index(i, FIELD_WEIGHTS.audience, [m.audience.text], false);
      this.index(
        i,
        FIELD_WEIGHTS.materials,
        m.materials.map((x) => x.name),
        false,
      );
    });
    this.vocabulary.seal(matters.length);
    this.titleTerms = matters.map((m) => this.terms(m.title));
    this.titleMass = this.titleTerms.map((title) => title.reduce((sum, t) => sum + this.vocabulary.idf(t), 0));
    this.qualifiers = matters.map((m) => m.qualifiers.map(normalize));
    this.exactTerms = [...this.vocabulary.terms()];
    this.exact = new TermAutomaton(this.exactTerms);
    this.homophones = new HomophoneIndex(
      this.exactTerms.filter((term) => [...term].length >= 2 && /\p{Script=Han}/u.test(term)).map((term) => ({ term, syllables: syllablesOf(term) })),
    );
    const fuzzyTerms = [...this.vocabulary.terms()].filter((t) => [...t].length >= 2);
    this.longestFuzzyTerm = Math.max(0, ...fuzzyTerms.map((t) => [...t].length));
    this.fuzzy = new FuzzyTerms(fuzzyTerms, {
      includeScore: true,
      threshold: 0.34,
      ignoreLocation: true,
    });
  }

  /** what `text` (normalised, synonym-expanded) says about each matter, before ranking */
  evidence(text: string): MatterEvidence {
    const segmented = this.segmenter.words(text);
    const hits = this.findTerms(text, segmented);
    const words = segmented.filter((w) => !this.stopwords.has(w) && !this.neutral.has(w));
    // Words of the question no hit explains: they count against every matter.
    let unexplained = 0;
    let cursor = 0;
    const coverage = new HitCoverage(text.length, hits);
    for (const w of words) {
      const start = text.indexOf(w, cursor);
      const end = start + w.length;
      if (start >= 0) cursor = end;
      const covered = start >= 0 && coverage.any(start, end);
      if (!covered && !/^\d+$/.test(w)) unexplained += this.unknownWordWeight;
    }

    const evidence = this.scorer.empty();
    evidence.mass = hits.reduce((sum, h) => sum + this.vocabulary.idf(h.term) * h.similarity, 0) + unexplained;
    if (evidence.mass === 0 || hits.length === 0) return evidence;

    const found = new Set(hits.map((h) => h.term));
    const { explained, strongest } = this.vocabulary.explain(hits, this.matters.length);
    evidence.explained = explained;
    evidence.strongest = strongest;
    evidence.titleShare = this.matters.map((_, i) => {
      const titleMass = this.titleMass[i] ?? 0;
      const covered = (this.titleTerms[i] ?? []).filter((t) => found.has(t)).reduce((s, t) => s + this.vocabulary.idf(t), 0);
      return titleMass > 0 ? covered / titleMass : 0;
    });
    evidence.qualified = this.matters.map((m, i) => m.qualifiers.length === 0 || this.qualifiers[i]!.some((q) => text.includes(q)));
    evidence.outOfScope = this.outOfScope.some((w) => text.includes(w));
    evidence.terms = [...found];
    return evidence;
  }

  private index(matterIndex: number, weight: number, texts: readonly string[], keepWhole: boolean): void {
    for (const raw of texts) {
      const text = this.normalize(raw);
      const terms = this.terms(text);
      if (keepWhole && [...text].length >= 2 && text.length <= 12) terms.push(text);
      for (const term of terms) this.vocabulary.add(term, matterIndex, weight);
    }
  }

  private terms(text: string): string[] {
    return this.segmenter.tokens(text).filter((t) => [...t].length >= 2 && !this.stopwords.has(t));
  }

  /** `words` is the question's precise segmentation, shared with the caller. */
  private findTerms(text: string, words: readonly string[]): Hit[] {
    const hits: Hit[] = this.exact.nonOverlapping(text).map((o) => ({ term: this.exactTerms[o.term]!, similarity: 1, start: o.start, end: o.end }));
    const hitTerms = new Set(hits.map((h) => h.term));
    // IME slips: same sound, and at least half the characters right (报消 → 报销, not 剩余 → 生育).
    const chars = [...text];
    const syllables = syllablesOf(text);
    if (syllables.length === chars.length) {
      for (const { term, start: startChar } of this.homophones.find(syllables)) {
        if (hitTerms.has(term)) continue;
        const len = [...term].length;
        const written = chars.slice(startChar, startChar + len).join('');
        const same = [...term].filter((c, k) => written[k] === c).length;
        if (same * 2 >= len) hits.push({ term, similarity: HOMOPHONE_SIMILARITY, start: startChar, end: startChar + len });
      }
    }
    // Words still unexplained: the closest vocabulary word, if close enough.
    const coverage = new HitCoverage(text.length, hits);
    const firstAt = new Map<string, number>();
    const looked = new Map<string, FuzzyHit | undefined>();
    for (const w of words) {
      const length = [...w].length;
      // a word more than one character longer than every term is refused below anyway:
      // skipping it spares fuse.js a search whose cost grows with the word's square
      if (length < 2 || length > this.longestFuzzyTerm + 1 || this.stopwords.has(w)) continue;
      let start = firstAt.get(w);
      if (start === undefined) firstAt.set(w, (start = text.indexOf(w)));
      const end = start + w.length;
      if (coverage.any(start, end)) continue;
      let best = looked.get(w);
      if (!looked.has(w)) {
        if (looked.size >= MAX_FUZZY_LOOKUPS) continue;
        looked.set(w, (best = this.fuzzy.best(w)));
      }
      if (!best || best.score === undefined) continue;
      if (Math.abs([...best.item].length - [...w].length) > 1) continue;
      const hit = { term: best.item, similarity: (1 - best.score) * FUZZY_DISCOUNT, start, end };
      hits.push(hit);
      coverage.add(hit);
    }
    return hits;
  }
}

/** One syllable per character; spaces become '_' so they never join two syllables. */
function syllablesOf(text: string): string[] {
  return pinyin(text, { toneType: 'none', type: 'array' }).map((s) => (s.trim() === '' ? '_' : s));
}
