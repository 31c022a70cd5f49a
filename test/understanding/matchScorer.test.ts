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

  it('does not refuse a question the vocabulary explains whole (a bare name) for sounding like the out-of-scope examples', async () => {
    const kb = await knowledge();
    const scorer = new MatchScorer(kb.matters, kb.tuning.matcher);
    const n = kb.matters.length;
    const probability = kb.matters.map((_, i) => (i === 7 ? 0.96 : 0));
    const verdict = { probability, outOfScope: 0.04, informed: true, logLikelihood: [...probability, 0.04].map(Math.log) };
    // the question's words all belong to matter 8 (index 7), its title among them
    const named = { ...scorer.empty(), mass: 2, terms: ['有没有交'] };
    named.explained = Array.from({ length: n }, (_, i) => (i === 7 ? 2 : 0));
    named.strongest = Array.from({ length: n }, (_, i) => (i === 7 ? 0.9 : 0));
    named.titleShare = Array.from({ length: n }, (_, i) => (i === 7 ? 1 : 0));
    named.qualified = kb.matters.map(() => true);
    const found = scorer.decide(named, verdict);
    expect(found.outcome).toBe('match');
    expect(found.matches[0]?.matter.no).toBe(kb.matters[7]!.no);
    // the same verdict with half the question unexplained is refused as before
    const vague = { ...named, mass: 4 };
    expect(scorer.decide(vague, verdict).outcome).toBe('none');
  });
});
