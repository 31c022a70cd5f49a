import Fuse from 'fuse.js';
import { pinyin } from 'pinyin-pro';
import type { Matter } from '../knowledge/schema.js';
import type { Segmenter } from './segmenter.js';

export type Outcome = 'match' | 'ambiguous' | 'none';

export interface MatterScore {
  matter: Matter;
  /** share of the question this matter explains, in [0, 1] */
  score: number;
}

export interface MatterSearch {
  outcome: Outcome;
  matches: MatterScore[];
  /** the vocabulary terms found in the question, for the staff CLI and the review queue */
  terms: string[];
}

export interface MatcherTuning {
  /** below this the question is not one of ours */
  minScore: number;
  /** candidates within this ratio of the best are too close to pick between */
  ambiguityRatio: number;
  /** only candidates above this are listed at all */
  listFloor: number;
  /** multiplier on every score when an out-of-scope word is present */
  outOfScopePenalty: number;
  /** multiplier when a matter has qualifiers and the question names none of them */
  qualifierPenalty: number;
  /** weight of a question word no matter knows: it dilutes, so 护照 alone never matches */
  unknownWordWeight: number;
  /** share of the score that comes from covering the matter's own title */
  titleShare: number;
  /** the best matter must be found through a field at least this strong (not materials alone) */
  minFieldWeight: number;
}

export const DEFAULT_TUNING: MatcherTuning = {
  minScore: 0.3,
  ambiguityRatio: 0.88,
  listFloor: 0.12,
  outOfScopePenalty: 0.45,
  qualifierPenalty: 0.6,
  unknownWordWeight: 1,
  titleShare: 0.15,
  minFieldWeight: 0.45,
};

/** How much a word found in each part of a matter says about it. */
const FIELD_WEIGHTS = {
  title: 1,
  keywords: 0.9,
  examples: 0.7,
  category: 0.5,
  summary: 0.5,
  options: 0.45,
  audience: 0.4,
  materials: 0.3,
} as const;

const MAX_MATCHES = 5;
const HOMOPHONE_SIMILARITY = 0.85;
const FUZZY_DISCOUNT = 0.8;

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
  /** term → matter index → best field weight */
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly idf = new Map<string, number>();
  private readonly titleTerms: string[][];
  /** idf mass of each matter's title, constant once the index is built */
  private readonly titleMass: number[];
  /** terms by their pinyin, to find homophone slips */
  private readonly byPinyin: { term: string; syllables: string }[] = [];
  private readonly fuse: Fuse<string>;
  private readonly qualifiers: string[][];

  constructor(
    private readonly matters: readonly Matter[],
    private readonly segmenter: Segmenter,
    private readonly stopwords: ReadonlySet<string>,
    private readonly outOfScope: readonly string[],
    /** words that neither match nor dilute: place names, handled by the office resolver */
    private readonly neutral: ReadonlySet<string>,
    private readonly normalize: (s: string) => string,
    private readonly tuning: MatcherTuning = DEFAULT_TUNING,
  ) {
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
      this.index(i, FIELD_WEIGHTS.materials, m.materials.map((x) => x.name), false);
    });
    const n = matters.length;
    for (const [term, docs] of this.postings) this.idf.set(term, Math.log(1 + n / docs.size));
    this.titleTerms = matters.map((m) => this.terms(m.title));
    this.titleMass = this.titleTerms.map((title) => title.reduce((sum, t) => sum + (this.idf.get(t) ?? 0), 0));
    this.qualifiers = matters.map((m) => m.qualifiers.map(normalize));
    for (const term of this.postings.keys()) {
      if ([...term].length >= 2 && /\p{Script=Han}/u.test(term)) {
        this.byPinyin.push({ term, syllables: ` ${syllablesOf(term).join(' ')} ` });
      }
    }
    this.fuse = new Fuse([...this.postings.keys()].filter((t) => [...t].length >= 2), {
      includeScore: true,
      threshold: 0.34,
      ignoreLocation: true,
    });
  }

  /** `text` is normalised and synonym-expanded already. */
  search(text: string): MatterSearch {
    const segmented = this.segmenter.words(text);
    const hits = this.findTerms(text, segmented);
    const words = segmented.filter((w) => !this.stopwords.has(w) && !this.neutral.has(w));
    // Words of the question no hit explains: they count against every matter.
    let unexplained = 0;
    let cursor = 0;
    for (const w of words) {
      const start = text.indexOf(w, cursor);
      const end = start + w.length;
      if (start >= 0) cursor = end;
      const covered = start >= 0 && hits.some((h) => h.start < end && h.end > start);
      if (!covered && !/^\d+$/.test(w)) unexplained += this.tuning.unknownWordWeight;
    }

    const mass = hits.reduce((sum, h) => sum + (this.idf.get(h.term) ?? 0) * h.similarity, 0) + unexplained;
    if (mass === 0 || hits.length === 0) return { outcome: 'none', matches: [], terms: [] };

    const found = new Set(hits.map((h) => h.term));
    const penalty = this.outOfScope.some((w) => text.includes(w)) ? this.tuning.outOfScopePenalty : 1;
    const strongest: number[] = [];
    const scored: MatterScore[] = this.matters.map((matter, i) => {
      let explained = 0;
      let strong = 0;
      for (const h of hits) {
        const weight = this.postings.get(h.term)?.get(i);
        if (weight) {
          explained += (this.idf.get(h.term) ?? 0) * h.similarity * weight;
          strong = Math.max(strong, weight);
        }
      }
      strongest[matter.no] = strong;
      const title = this.titleTerms[i] ?? [];
      const titleMass = this.titleMass[i] ?? 0;
      const titleCovered = title.filter((t) => found.has(t)).reduce((s, t) => s + (this.idf.get(t) ?? 0), 0);
      const titleShare = titleMass > 0 ? titleCovered / titleMass : 0;
      const qualified = matter.qualifiers.length === 0 || this.qualifiers[i]!.some((q) => text.includes(q));
      const share = this.tuning.titleShare;
      const score = ((1 - share) * (explained / mass) + share * titleShare) * penalty * (qualified ? 1 : this.tuning.qualifierPenalty);
      return { matter, score: Math.round(Math.min(1, score) * 1000) / 1000 };
    });
    scored.sort((a, b) => b.score - a.score || a.matter.no - b.matter.no);

    const best = scored[0];
    const terms = [...found];
    if (!best || best.score < this.tuning.minScore || (strongest[best.matter.no] ?? 0) < this.tuning.minFieldWeight) {
      return { outcome: 'none', matches: [], terms };
    }
    const close = scored.filter((s) => s.score >= best.score * this.tuning.ambiguityRatio);
    if (close.length > 1) return { outcome: 'ambiguous', matches: close.slice(0, MAX_MATCHES), terms };
    return {
      outcome: 'match',
      matches: scored.filter((s) => s.score >= this.tuning.listFloor).slice(0, MAX_MATCHES),
      terms,
    };
  }

  private index(matterIndex: number, weight: number, texts: readonly string[], keepWhole: boolean): void {
    for (const raw of texts) {
      const text = this.normalize(raw);
      const terms = this.terms(text);
      if (keepWhole && [...text].length >= 2 && text.length <= 12) terms.push(text);
      for (const term of terms) {
        let docs = this.postings.get(term);
        if (!docs) this.postings.set(term, (docs = new Map()));
        docs.set(matterIndex, Math.max(docs.get(matterIndex) ?? 0, weight));
      }
    }
  }

  private terms(text: string): string[] {
    return this.segmenter.tokens(text).filter((t) => [...t].length >= 2 && !this.stopwords.has(t));
  }

  /** `words` is the question's precise segmentation, shared with the caller. */
  private findTerms(text: string, words: readonly string[]): Hit[] {
    const hits: Hit[] = [];
    for (const term of this.postings.keys()) {
      let from = 0;
      for (;;) {
        const at = text.indexOf(term, from);
        if (at < 0) break;
        hits.push({ term, similarity: 1, start: at, end: at + term.length });
        from = at + term.length;
      }
    }
    // IME slips: same sound, and at least half the characters right (报消 → 报销, not 剩余 → 生育).
    const chars = [...text];
    const syllables = syllablesOf(text);
    if (syllables.length === chars.length) {
      const spaced = ` ${syllables.join(' ')} `;
      for (const { term, syllables: termSyllables } of this.byPinyin) {
        if (hits.some((h) => h.term === term) || !spaced.includes(termSyllables)) continue;
        const start = spaced.slice(0, spaced.indexOf(termSyllables)).trim();
        const startChar = start === '' ? 0 : start.split(' ').length;
        const len = [...term].length;
        const written = chars.slice(startChar, startChar + len).join('');
        const same = [...term].filter((c, k) => written[k] === c).length;
        if (same * 2 >= len) hits.push({ term, similarity: HOMOPHONE_SIMILARITY, start: startChar, end: startChar + len });
      }
    }
    // Words still unexplained: the closest vocabulary word, if close enough.
    for (const w of words) {
      if ([...w].length < 2 || this.stopwords.has(w)) continue;
      const start = text.indexOf(w);
      const end = start + w.length;
      if (hits.some((h) => h.start < end && h.end > start)) continue;
      const best = this.fuse.search(w, { limit: 1 })[0];
      if (!best || best.score === undefined) continue;
      if (Math.abs([...best.item].length - [...w].length) > 1) continue;
      hits.push({ term: best.item, similarity: (1 - best.score) * FUZZY_DISCOUNT, start, end });
    }
    return hits;
  }
}

/** One syllable per character; spaces become '_' so they never join two syllables. */
function syllablesOf(text: string): string[] {
  return pinyin(text, { toneType: 'none', type: 'array' }).map((s) => (s.trim() === '' ? '_' : s));
}
