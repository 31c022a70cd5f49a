import type { Matter } from '../knowledge/schema.js';
import type { MatcherTuning, MatterScore, MatterSearch } from './matterMatcher.js';

/**
 * What one part of a question (its Chinese or its Tibetan) says about each matter;
 * arrays are indexed like the matters. Both matchers produce it, so a mixed message
 * is scored as one question.
 */
export interface MatterEvidence {
  /** idf mass of the question's meaningful words: the terms found plus words no matter knows */
  mass: number;
  /** the part of that mass each matter explains, weighted by the field it was found in */
  explained: number[];
  /** the strongest field weight each matter was found through */
  strongest: number[];
  /** share of each matter's title (idf-weighted) the question covers */
  titleShare: number[];
  /** whether the question names the matter's qualifiers (true when it has none) */
  qualified: boolean[];
  outOfScope: boolean;
  /** the vocabulary terms found, for the staff CLI and the review queue */
  terms: string[];
}

const MAX_MATCHES = 5;

/** Turns evidence into a ranked list and the outcome: `match`, `ambiguous` (several close) or `none`. */
export class MatchScorer {
  constructor(
    private readonly matters: readonly Matter[],
    private readonly tuning: MatcherTuning,
  ) {}

  /** evidence of a part with nothing in it */
  empty(): MatterEvidence {
    const n = this.matters.length;
    return {
      mass: 0,
      explained: new Array<number>(n).fill(0),
      strongest: new Array<number>(n).fill(0),
      titleShare: new Array<number>(n).fill(0),
      qualified: new Array<boolean>(n).fill(false),
      outOfScope: false,
      terms: [],
    };
  }

  /** two parts of one message, as if they were one question */
  static combine(a: MatterEvidence, b: MatterEvidence): MatterEvidence {
    return {
      mass: a.mass + b.mass,
      explained: a.explained.map((x, i) => x + (b.explained[i] ?? 0)),
      strongest: a.strongest.map((x, i) => Math.max(x, b.strongest[i] ?? 0)),
      titleShare: a.titleShare.map((x, i) => Math.max(x, b.titleShare[i] ?? 0)),
      qualified: a.qualified.map((x, i) => x || (b.qualified[i] ?? false)),
      outOfScope: a.outOfScope || b.outOfScope,
      terms: [...new Set([...a.terms, ...b.terms])],
    };
  }

  decide(e: MatterEvidence): MatterSearch {
    if (e.mass === 0 || e.terms.length === 0) return { outcome: 'none', matches: [], terms: [] };
    const { tuning } = this;
    const penalty = e.outOfScope ? tuning.outOfScopePenalty : 1;
    const share = tuning.titleShare;
    const scored: (MatterScore & { index: number })[] = this.matters.map((matter, i) => {
      const covered = (1 - share) * ((e.explained[i] ?? 0) / e.mass) + share * (e.titleShare[i] ?? 0);
      const score = covered * penalty * (e.qualified[i] ? 1 : tuning.qualifierPenalty);
      return { matter, index: i, score: Math.round(Math.min(1, score) * 1000) / 1000 };
    });
    scored.sort((a, b) => b.score - a.score || a.matter.no - b.matter.no);

    const best = scored[0];
    const terms = e.terms;
    const strip = (list: typeof scored): MatterScore[] => list.map(({ matter, score }) => ({ matter, score }));
    if (!best || best.score < tuning.minScore || (e.strongest[best.index] ?? 0) < tuning.minFieldWeight) {
      return { outcome: 'none', matches: [], terms, nearest: strip(scored.filter((s) => s.score > 0).slice(0, 3)) };
    }
    const close = scored.filter((s) => s.score >= best.score * tuning.ambiguityRatio);
    if (close.length > 1) return { outcome: 'ambiguous', matches: strip(close.slice(0, MAX_MATCHES)), terms };
    return {
      outcome: 'match',
      matches: strip(scored.filter((s) => s.score >= tuning.listFloor).slice(0, MAX_MATCHES)),
      terms,
    };
  }
}
