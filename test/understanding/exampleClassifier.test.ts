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
  });

  it('keeps the informed part when the other shares nothing with its examples', () => {
    const zh = chinese.classify(['查询']);
    const bo = tibetan.classify(['ཀཀཀ']);
    expect(bo.informed).toBe(false);
    expect(ExampleClassifier.joint(zh, bo)).toBe(zh);
    expect(ExampleClassifier.joint(bo, zh)).toBe(zh);
  });
});
