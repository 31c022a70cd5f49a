import { describe, expect, it } from 'vitest';
import { ExampleClassifier } from '../../bot/understanding/exampleClassifier.js';

const words = (s: string): string[] => s.split(' ');

describe('ExampleClassifier.joint', () => {
  // two classifiers over the same classes, as the Chinese and the Tibetan one are: each part of a mixed message
  // alone leaves two matters tied; together they point at one
  const chinese = new ExampleClassifier([['参保 登记'], ['参保 查询'], ['转出 凭证']], ['天气'], words);
  const tibetan = new ExampleClassifier([['ཐོ འགོད'], ['ཉེན ཐོ'], ['ཐོ འགོད']], ['གནམ གཤིས'], words);

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
    const verdict = new ExampleClassifier([matter0, matter1], ['今天天气怎么样'], chars).classify(chars('新农合参保'));
    expect(verdict.probability[0]).toBeGreaterThan(verdict.probability[1]!);
  });

  it('gives byte-identical verdicts from the same examples', () => {
    const a = new ExampleClassifier([matter0, matter1], ['今天天气怎么样'], chars).classify(chars('新农合怎么交'));
    const b = new ExampleClassifier([[...matter0], [...matter1]], ['今天天气怎么样'], chars).classify(chars('新农合怎么交'));
    expect(b).toEqual(a);
  });
});
