import type { ExampleVerdict } from '../../bot/understanding/exampleClassifier.js';
import type { MatchScorer, MatterEvidence } from '../../bot/understanding/matchScorer.js';

/** evidence of a question the vocabulary explains `share` of as the matter at `index` (found through a strong field, qualified) */
export function evidenceFor(scorer: MatchScorer, matters: number, index: number, share: number): MatterEvidence {
  return {
    ...scorer.empty(),
    mass: 1,
    terms: ['有没有交'],
    explained: Array.from({ length: matters }, (_, i) => (i === index ? share : 0)),
    strongest: Array.from({ length: matters }, (_, i) => (i === index ? 0.9 : 0)),
    titleShare: Array.from({ length: matters }, (_, i) => (i === index ? share : 0)),
    qualified: Array.from({ length: matters }, () => true),
  };
}

/** a classifier sure of the matter at `index`, knowing `known` of the question's features */
export function sureOf(matters: number, index: number, known = 20): ExampleVerdict {
  const probability = Array.from({ length: matters }, (_, i) => (i === index ? 1 : 0));
  return { probability, outOfScope: 0, informed: true, known, logLikelihood: [...probability, 0].map(Math.log) };
}
