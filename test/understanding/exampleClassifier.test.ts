import { describe, expect, it } from 'vitest';
import { ExampleClassifier, exampleGrams } from '../../bot/understanding/exampleClassifier.js';

const words = (s: string): string[] => s.split(' ');

describe('ExampleClassifier.joint', () => {
  // two classifiers over the same classes, as the Chinese and the Tibetan one are: each part of a mixed message
  // alone leaves two matters tied; together they point at one
  const chinese = new ExampleClassifier([['参保 登记'], ['参保 查询'], ['转出 凭证']], ['天气'], exampleGrams(words));
  const tibetan = new ExampleClassifier([['ཐོ འགོད'], ['ཉེན ཐོ'], ['ཐོ འགོད']], ['གནམ གཤིས'], exampleGrams(words));

  it('adds the two parts’ evidence, so a mixed message is read as one question', () => {
    const zh = chinese.classify(['参保']);
    const bo = tibetan.classify(['འགོད']);
    expect(zh.probability[0]).toBeCloseTo(zh.probability[1]!);
    expect(bo.probability[0]).toBeCloseTo(bo.probability[2]!);
    const both = ExampleClassifier.joint(zh, bo);
    expect(both.probability[0]).toBeGreaterThan(Math.max(zh.probability[0]!, bo.probability[0]!));
    expect(both.probability[0]).toBeGreaterThan(4 * Math.max(...both.probability.slice(1), both.outOfScope));
    expect(both.probability.reduce((a, b) => a + b, both.outOfScope)).toBeCloseTo(1);
    // the features the examples know, counted over both parts
    expect(both.known).toBe(2);
  });

  it('keeps the informed part when the other shares nothing with its examples', () => {
    const zh = chinese.classify(['查询']);
    const bo = tibetan.classify(['ཀཀཀ']);
    expect(bo.informed).toBe(false);
    expect(bo.known).toBe(0);
    // 查询 is one unigram the Chinese examples know
    expect(zh.known).toBe(1);
    expect(ExampleClassifier.joint(zh, bo)).toBe(zh);
    expect(ExampleClassifier.joint(bo, zh)).toBe(zh);
  });
});

describe('ExampleClassifier training', () => {
  const chars = (s: string): string[] => [...s];
  // matter 0: its own name and three long situations that never say it; matter 1: one long situation that says the name in passing
  const matter0 = [
    '新农合参保',
    '我家老人今年的钱还没有交上村里说过了截止日期就不能补交了怎么办才好',
    '孩子在外地读书家里人想替他把今年的费用一起交了需要带什么东西去哪里办',
    '我们牧区一家人都没有交过钱现在想交每个人要交多少钱到哪个窗口去交',
  ];
  const matter1 = ['以前的新农合参保现在改了名字我在村里交的那份转到城里以后要重新办理登记手续吗'];

  it('weighs every example alike: a matter’s short name is not outvoted by another matter’s long situation', () => {
    // with raw counts the name's characters are a small share of matter 0's long bag, and matter 1 wins
    const verdict = new ExampleClassifier([matter0, matter1], ['今天天气怎么样'], exampleGrams(chars)).classify(chars('新农合参保'));
    expect(verdict.probability[0]).toBeGreaterThan(verdict.probability[1]!);
  });

  it('gives byte-identical verdicts from the same examples', () => {
    const a = new ExampleClassifier([matter0, matter1], ['今天天气怎么样'], exampleGrams(chars)).classify(chars('新农合怎么交'));
    const b = new ExampleClassifier([[...matter0], [...matter1]], ['今天天气怎么样'], exampleGrams(chars)).classify(chars('新农合怎么交'));
    expect(b).toEqual(a);
  });
});

describe('ExampleClassifier.classify, terms precomputed at index time', () => {
  // The straightforward computation the index replaced: every term log(count + 0.1) - log(total + 0.1 · vocabulary),
  // from the length-scaled counts, summed per class in feature order. Object.is: the same doubles, not merely close ones.
  function reference(classes: string[][][], question: string[]): number[] {
    const grams = (units: string[]): [string, number][] => {
      const m = new Map<string, number>();
      units.forEach((u, i) => {
        m.set(u, (m.get(u) ?? 0) + 1);
        if (i + 1 < units.length) m.set(`${u} ${units[i + 1]}`, (m.get(`${u} ${units[i + 1]}`) ?? 0) + 1);
      });
      return [...m];
    };
    const lengths = classes.flat().map((e) => (e.length === 0 ? 0 : 2 * e.length - 1));
    const mean = lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.filter((n) => n > 0).length);
    const vocabulary = new Set<string>();
    const counts = classes.map(() => new Map<string, number>());
    const totals = classes.map(() => 0);
    classes.forEach((examples, c) => {
      for (const e of examples) {
        const scale = mean / ((e.length === 0 ? 0 : 2 * e.length - 1) || 1);
        for (const [f, n] of grams(e)) {
          counts[c]!.set(f, (counts[c]!.get(f) ?? 0) + n * scale);
          totals[c]! += n * scale;
          vocabulary.add(f);
        }
      }
    });
    const features = grams(question).filter(([f]) => vocabulary.has(f));
    return classes.map((examples, c) => {
      if (examples.length === 0) return -Infinity;
      const denominator = Math.log(totals[c]! + 0.1 * vocabulary.size);
      let sum = 0;
      for (const [f, n] of features) sum += n * (Math.log((counts[c]!.get(f) ?? 0) + 0.1) - denominator);
      return sum;
    });
  }

  it('gives exactly the straightforward computation’s log-likelihoods on 300 seeded questions', () => {
    let seed = 20261201;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = [...'参保登记转出凭证医疗报销生育住院门诊慢病家庭共享退休异地'];
    const text = (max: number): string[] => Array.from({ length: 1 + Math.floor(random() * max) }, () => alphabet[Math.floor(random() * alphabet.length)]!);
    // six matters (one with no examples, never predicted) and the out-of-scope class
    const matters = [0, 1, 2, 3, 4, 5].map((m) => (m === 4 ? [] : Array.from({ length: 3 + m }, () => text(12).join(' '))));
    const outOfScope = Array.from({ length: 5 }, () => text(8).join(' '));
    const classifier = new ExampleClassifier(matters, outOfScope, exampleGrams(words));
    const classes = [...matters, outOfScope].map((examples) => examples.map(words));
    for (let i = 0; i < 300; i++) {
      const question = text(10);
      const got = classifier.classify(question).logLikelihood;
      const want = reference(classes, question);
      want.forEach((x, c) => expect(Object.is(got[c], x), `question ${question.join('')}, class ${c}: ${got[c]} vs ${x}`).toBe(true));
    }
  });
});
