import { describe, expect, it } from 'vitest';
import { exampleGrams } from '../../bot/understanding/exampleClassifier.js';
import { MatchScorer } from '../../bot/understanding/matchScorer.js';
import { OutOfScopeNeighbours } from '../../bot/understanding/outOfScopeNeighbours.js';
import { Understanding } from '../../bot/understanding/understanding.js';
import { knowledge } from '../support/services.js';
import { evidenceFor, sureOf } from './scorerInputs.js';

/** one unit a character: enough to index a handful of plain texts */
const chars = (text: string): string[] => [...text];

describe('OutOfScopeNeighbours', () => {
  const neighbours = new OutOfScopeNeighbours(
    [['异地就医备案怎么办'], ['门诊慢特病认定']],
    ['残疾人两项补贴怎么申请', '养老保险关系转移'],
    exampleGrams(chars),
  );

  it('is positive for a question nearly word for word an out-of-scope example, negative for one nearly a matter example', () => {
    expect(OutOfScopeNeighbours.margin(neighbours.rank(chars('残疾人补贴怎么申请')))).toBeGreaterThan(0.5);
    expect(OutOfScopeNeighbours.margin(neighbours.rank(chars('异地就医怎么备案')))).toBeLessThan(0);
  });

  it('is 0 for a question sharing nothing with any example', () => {
    expect(OutOfScopeNeighbours.margin(neighbours.rank(chars('zzzz')))).toBe(0);
  });
});

describe('MatchScorer with the nearest-neighbour second opinion', () => {
  it('refuses a question nearer an out-of-scope example by neighbourMargin, offering the matters, unless the vocabulary names one', async () => {
    const kb = await knowledge();
    const tuning = { ...kb.tuning.matcher, neighbourMargin: 0.2, neighbourRatio: 0, neighbourNamedScore: 0.5 };
    const scorer = new MatchScorer(kb.matters, tuning);
    const n = kb.matters.length;
    const verdict = sureOf(n, 7);
    // the vocabulary explains `share` of the question as matter 8's (index 7)
    const evidence = (share: number) => evidenceFor(scorer, n, 7, share);
    let asked = 0;
    const margin = (m: number) => () => (asked++, m);
    // 0.4 explained: not named; a margin of 0.3 refuses it, the matter still offered
    const refused = scorer.decide(evidence(0.4), verdict, undefined, margin(0.3));
    expect(refused.outcome).toBe('none');
    expect(refused.nearest?.[0]?.matter.no).toBe(8);
    // a margin below neighbourMargin: answered
    expect(scorer.decide(evidence(0.4), verdict, undefined, margin(0.1)).outcome).toBe('match');
    // named (the vocabulary alone scores 1): answered, and the second opinion is not even asked
    asked = 0;
    expect(scorer.decide(evidence(1), verdict, undefined, margin(0.9)).outcome).toBe('match');
    expect(asked).toBe(0);
    // neighbourRatio: the classifier's out-of-scope class must also be at least that factor of its surest matter
    const strict = new MatchScorer(kb.matters, { ...tuning, neighbourRatio: 1e-3 });
    expect(strict.decide(evidence(0.4), verdict, undefined, margin(0.3)).outcome).toBe('match');
  });

  it('refuses, on the real knowledge, a neighbouring service asked in words no example has verbatim', async () => {
    const kb = await knowledge();
    const withMargin = (margin: number) =>
      new Understanding({
        matters: kb.matters,
        lexicon: kb.lexicon,
        offices: kb.offices,
        directory: kb.directory,
        glossary: kb.glossary,
        tuning: { ...kb.tuning, matcher: { ...kb.tuning.matcher, neighbourMargin: margin }, chinese: { ...kb.tuning.chinese, neighbourMargin: margin } },
      });
    // 残联's allowance for disabled people, not a medical-insurance matter: without the second opinion it is taken as matter 22
    const question = '我老爸是残疾人，残疾人两项补贴在哪里申请';
    expect(kb.lexicon.outOfScopeExamples).not.toContain(question);
    expect(withMargin(1).understand(question).outcome).not.toBe('none');
    const refused = withMargin(0.2).understand(question);
    expect(refused.outcome).toBe('none');
    expect(refused.nearest.length).toBeGreaterThan(0);
  });
});
