import { describe, expect, it } from 'vitest';
import { Evaluator } from '../../bot/evaluation/evaluator.js';
import { NamesProxy } from '../../bot/evaluation/namesProxy.js';
import { knowledge, understandingPipeline } from '../support/services.js';

describe('names proxy', () => {
  it('asks each name only of the one matter that holds it', async () => {
    const kb = await knowledge();
    const zh = new NamesProxy(kb).zh();
    expect(zh.length).toBeGreaterThan(300);
    const owners = (name: string): number[] => kb.matters.filter((m) => m.title === name || m.keywords.includes(name)).map((m) => m.no);
    for (const q of zh) expect(owners(q.q), q.q).toEqual(q.expect);
    // a keyword two matters share is no name of either
    const shared = kb.matters.flatMap((m) => m.keywords).find((k) => owners(k).length > 1);
    if (shared) expect(zh.map((q) => q.q)).not.toContain(shared);
  });

  // Measured 2026-12-01: zh 95.4 % (346 names), bo 96.4 % (252); with the fourth writer and tuning.json namedScore 96.0 / 98.0 %,
  // none answered none. Held a little below, so a rule that refuses bare names fails here.
  it.each([
    ['zh', 0.94],
    ['bo', 0.95],
  ] as const)('%s bare names find their matter', async (lang, bar) => {
    const proxy = new NamesProxy(await knowledge());
    const report = new Evaluator(await understandingPipeline()).run(lang === 'zh' ? proxy.zh() : proxy.bo(), lang);
    expect(report.accuracyAt1, JSON.stringify(report.misses.slice(0, 10), null, 1)).toBeGreaterThanOrEqual(bar);
    expect(report.inScopeNone, 'a bare name refused').toBeLessThanOrEqual(0.003);
  });
});
