import type { Matter } from '../knowledge/schema.js';

/** What a matcher found for a question, and how it decides: shared by MatterMatcher, TibetanMatcher and MatchScorer. */
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
  /** for `none` with some evidence: the closest matters all the same (the review queue shows them as the bot's guess) */
  nearest?: MatterScore[];
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
  /** share of a matter's score that comes from the example classifier's probability (the rest from the vocabulary) */
  exampleWeight: number;
  /** the same share for a question the vocabulary alone scores at least `namedScore` for some matter (it names one) */
  namedExampleWeight: number;
  /** a question with fewer features than this that the examples know is short: it weighs the examples as a named one does */
  shortQuestion: number;
  /** with the example classifier: below this blended score the question is not one of ours */
  blendedMinScore: number;
  /** how sure the example classifier must be to take a question the vocabulary alone would refuse */
  exampleConfidence: number;
  /** a question the vocabulary alone scores at least this for some matter names it: the out-of-scope ratio does not refuse it */
  namedScore: number;
  /** share of a matched question's ranking that comes from the example ranker (BM25): it re-orders, never decides */
  rankerWeight: number;
  /** out of scope when the example classifier's out-of-scope class is within this factor of its surest matter */
  outOfScopeRatio: number;
  /** the same, stricter, where the vocabulary found no matter worth answering or the question names an out-of-scope word */
  outOfScopeRatioUnmatched: number;
  /** a question naming an out-of-scope word that the vocabulary found nothing for: the examples may take it only below this factor */
  outOfScopeRatioWord: number;
  /** refused when the closest out-of-scope example beats the closest matter example by at least this (one BM25 index); 1: off */
  neighbourMargin: number;
  /** ... and the classifier's out-of-scope class is at least this factor of its surest matter (0: whatever it says) */
  neighbourRatio: number;
  /** ... unless the vocabulary alone scores at least this for some matter */
  neighbourNamedScore: number;
}
