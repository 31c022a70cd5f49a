import { describe, expect, it } from 'vitest';
import { MatchScorer } from '../../bot/understanding/matchScorer.js';
import { knowledge } from '../support/services.js';

describe('MatchScorer with the example classifier', () => {
  it('takes a question for out of scope when the out-of-scope class is within 1/100 of the surest matter', async () => {
    const kb = await knowledge();
    const scorer = new MatchScorer(kb.matters, kb.tuning.matcher);
    const verdict = (outOfScope: number) => {
      const probability = kb.matters.map(() => 0);
      probability[0] = 1 - outOfScope;
      return { probability, outOfScope, informed: true, logLikelihood: [...probability, outOfScope].map(Math.log) };
    };
    // naive Bayes posteriors are extreme: 4 % out of scope beside 96 % for one matter is a question closest to the out-of-scope examples
    const notOurs = scorer.decide(scorer.empty(), verdict(0.04));
    expect(notOurs.outcome).toBe('none');
    expect(notOurs.nearest).toEqual([]);
    // far below, the classifier is sure of the matter: it takes the question the vocabulary could not
    const sure = scorer.decide(scorer.empty(), verdict(0.001));
    expect(sure.outcome).toBe('match');
    expect(sure.matches[0]?.matter.no).toBe(kb.matters[0]!.no);
  });
});
