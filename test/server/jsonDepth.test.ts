import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../bot/server/jsonDepth.js';
import { deepJson } from './robustnessKit.js';

describe('nestsDeeperThan', () => {
  it('passes exactly the limit and refuses one level more, for arrays, objects and mixes', () => {
    for (const kind of ['array', 'object'] as const) {
      expect(nestsDeeperThan(JSON.parse(deepJson(MAX_JSON_DEPTH, kind)), MAX_JSON_DEPTH), kind).toBe(false);
      expect(nestsDeeperThan(JSON.parse(deepJson(MAX_JSON_DEPTH + 1, kind)), MAX_JSON_DEPTH), kind).toBe(true);
    }
    expect(nestsDeeperThan({ a: [{ b: [1] }] }, 4)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: [[1]] }] }, 4)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
  });

  it('answers for a value a million levels deep, stopping at the limit', () => {
    let value: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) value = [value];
    expect(nestsDeeperThan(value, MAX_JSON_DEPTH)).toBe(true);
  });

  it('finds one deep branch among many shallow ones', () => {
    const wide: Record<string, unknown> = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, { v: i }]));
    expect(nestsDeeperThan(wide, MAX_JSON_DEPTH)).toBe(false);
    wide.k25000 = JSON.parse(deepJson(200, 'object'));
    expect(nestsDeeperThan(wide, MAX_JSON_DEPTH)).toBe(true);
  });
});
