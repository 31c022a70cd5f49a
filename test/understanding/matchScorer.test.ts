import { describe, expect, it } from 'vitest';
import { MatchScorer } from '../../bot/understanding/matchScorer.js';
import { knowledge } from '../support/services.js';
import { evidenceFor, sureOf } from './scorerInputs.js';

describe('MatchScorer with the example classifier', () => {
  it('takes a question for out of scope when the out-of-scope class is within 1/100 of the surest matter', async () => {
    const kb = await knowledge();
    const scorer = new MatchScorer(kb.matters, kb.tuning.matcher);
    const verdict = (outOfScope: number) => {
      const probability = kb.matters.map(() => 0);
      probability[0] = 1 - outOfScope;
      return { probability, outOfScope, informed: true, known: 20, logLikelihood: [...probability, outOfScope].map(Math.log) };
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
    const verdict = { probability, outOfScope: 0.04, informed: true, known: 20, logLikelihood: [...probability, 0.04].map(Math.log) };
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

  it('leans on the examples less for a question the vocabulary names, or a short one, than for a situation told at length', async () => {
    const kb = await knowledge();
    const tuning = { ...kb.tuning.matcher, exampleWeight: 0.3, namedExampleWeight: 0.15, shortQuestion: 12, rankerWeight: 0 };
    const scorer = new MatchScorer(kb.matters, tuning);
    const n = kb.matters.length;
    // the classifier is sure of matter 2 (index 1); the vocabulary explains the question as matter 8's (index 7), by `share`
    const verdict = sureOf(n, 1);
    const evidence = (share: number) => evidenceFor(scorer, n, 7, share);
    const score = (found: ReturnType<MatchScorer['decide']>, no: number) => found.matches.find((m) => m.matter.no === no)?.score;
    // named (the vocabulary alone scores it above namedScore): 0.85 x 1 for matter 8, 0.15 x 1 for matter 2
    const named = scorer.decide(evidence(1), verdict);
    expect(named.matches[0]?.matter.no).toBe(8);
    expect(score(named, 8)).toBeCloseTo(0.85);
    expect(score(named, 2)).toBeCloseTo(0.15);
    // not named (half explained, below namedScore): the examples weigh 0.3
    const told = scorer.decide(evidence(0.5), verdict);
    expect(score(told, 8)).toBeCloseTo(0.35);
    expect(score(told, 2)).toBeCloseTo(0.3);
    // the same question short (the examples know fewer than shortQuestion of its features): weighed as a named one
    const short = scorer.decide(evidence(0.5), { ...verdict, known: 5 });
    expect(score(short, 8)).toBeCloseTo(0.425);
    expect(score(short, 2)).toBeCloseTo(0.15);
  });

  it('takes a question naming a word that is not ours only when the classifier finds it overwhelmingly closer to a matter', async () => {
    const kb = await knowledge();
    const scorer = new MatchScorer(kb.matters, { ...kb.tuning.matcher, ...kb.tuning.chinese });
    // "养老在人社局办了，医保呢": the vocabulary finds no matter, only the out-of-scope word 养老
    const mentions = { ...scorer.empty(), outOfScope: true };
    const verdict = (outOfScope: number) => {
      const probability = kb.matters.map((_, i) => (i === 1 ? 1 - outOfScope : 0));
      return { probability, outOfScope, informed: true, known: 20, logLikelihood: [...probability, outOfScope].map(Math.log) };
    };
    const below = kb.tuning.matcher.outOfScopeRatioWord / 100;
    const taken = scorer.decide(mentions, verdict(below));
    expect(taken.outcome).toBe('match');
    expect(taken.matches[0]?.matter.no).toBe(kb.matters[1]!.no);
    // a thousand times nearer the out-of-scope examples than that, still far below the other ratios: refused, with matters offered
    const refused = scorer.decide(mentions, verdict(below * 1000));
    expect(refused.outcome).toBe('none');
    expect(refused.nearest?.length).toBeGreaterThan(0);
  });
});
