import { describe, expect, it } from 'vitest';
import { ExampleClassifier, exampleGrams } from '../../bot/understanding/exampleClassifier.js';
import { ExampleRanker } from '../../bot/understanding/exampleRanker.js';
import { MatchScorer } from '../../bot/understanding/matchScorer.js';
import { knowledge, understandingPipeline } from '../support/services.js';

const chars = (s: string): string[] => [...s];

describe('ExampleRanker', () => {
  // matter 0 has one telling example among many long ones about something else; matter 1 many short ones sharing single characters
  const matter0 = ['上环费用报销', ...Array.from({ length: 12 }, (_, i) => `单位职工参保登记材料第${i}项表格填写`)];
  const matter1 = ['环境', '费用查询', '报到', '上班', '用药'];
  const examples = [matter0, matter1];

  it('scores a matter by its closest example, where the naive-Bayes bag of all its examples is drowned', () => {
    const question = chars('上环的费用报销');
    const ranked = new ExampleRanker(examples, exampleGrams(chars)).rank(question);
    expect(ranked.closeness[0]).toBeGreaterThan(ranked.closeness[1]!);
    expect(ranked.closeness[0]).toBeGreaterThan(0.5);
    // the classifier over the same examples pools matter 0's twelve long examples, and prefers matter 1
    const bayes = new ExampleClassifier(examples, ['天气怎么样'], exampleGrams(chars)).classify(question);
    expect(bayes.probability[1]).toBeGreaterThan(bayes.probability[0]!);
  });

  it('is 0 for a question sharing nothing with any example, and at most 1', () => {
    const ranker = new ExampleRanker(examples, exampleGrams(chars));
    expect(ranker.rank(chars('zzzz'))).toEqual({ closeness: [0, 0], self: 0 });
    for (const c of ranker.rank(chars('上环费用报销')).closeness) expect(c).toBeLessThanOrEqual(1);
  });

  it('joins the two parts of a mixed message, each by its own scale', () => {
    const a = { closeness: [1, 0], self: 3 };
    const b = { closeness: [0, 1], self: 1 };
    expect(ExampleRanker.joint(a, b).closeness).toEqual([0.75, 0.25]);
    expect(ExampleRanker.joint(a, { closeness: [0, 0], self: 0 }).closeness).toEqual([1, 0]);
  });
});

describe('MatchScorer with the example ranker', () => {
  it('only re-orders a match: an ambiguous or refused question is decided as without it', async () => {
    const kb = await knowledge();
    // the examples weigh 0.4, so a sure classifier alone clears the blended floor
    const scorer = new MatchScorer(kb.matters, { ...kb.tuning.matcher, exampleWeight: 0.4, rankerWeight: 0.45 });
    const plain = new MatchScorer(kb.matters, { ...kb.tuning.matcher, exampleWeight: 0.4, rankerWeight: 0 });
    const n = kb.matters.length;
    const verdict = (top: number, outOfScope = 0.001) => {
      const probability = kb.matters.map((_, i) => (i === top ? 1 - outOfScope - 0.01 : 0.01 / (n - 1)));
      return { probability, outOfScope, informed: true, known: 20, logLikelihood: [...probability, outOfScope].map(Math.log) };
    };
    const towards = (i: number) => ({ closeness: kb.matters.map((_, k) => (k === i ? 1 : 0)), self: 5 });
    // the classifier is sure of matter 0; the ranker points at matter 4: the list is re-ordered, the outcome stays a match
    const matched = scorer.decide(scorer.empty(), verdict(0), () => towards(4));
    expect(matched.outcome).toBe('match');
    expect(matched.matches[0]?.matter.no).toBe(kb.matters[4]!.no);
    expect(plain.decide(plain.empty(), verdict(0), () => towards(4)).matches[0]?.matter.no).toBe(kb.matters[0]!.no);
    // out of scope by the classifier: the ranker cannot take it
    let asked = false;
    const spy = () => ((asked = true), towards(4));
    expect(scorer.decide(scorer.empty(), verdict(0, 0.2), spy).outcome).toBe('none');
    // and is not even asked: its cost is spent only where it can change the answer
    expect(asked).toBe(false);
  });

  it('keeps a bare name on its own matter first (the names proxy lost these to matter 6 when the ranker decided outcomes)', async () => {
    const u = await understandingPipeline();
    for (const name of ['城乡居民医保', '新农合']) expect(u.understand(name).matches[0]?.matter.no, name).toBe(3);
  });
});
