import { describe, expect, it } from 'vitest';
import { SynonymExpander } from '../../bot/understanding/synonymExpander.js';
import { knowledge, understandingPipeline } from '../support/services.js';

describe('SynonymExpander', () => {
  const expander = new SynonymExpander(
    [
      { canonical: '城乡居民医保', variants: ['新农合', '农合'] },
      { canonical: '报销', variants: ['报账'] },
    ],
    (s) => s,
  );
  it('rewrites the longest variant and never rewrites its own output', () => {
    expect(expander.expand('新农合怎么报账')).toBe('城乡居民医保 怎么 报销');
  });
});

describe('Understanding', () => {
  it('finds every matter by its own title', async () => {
    const kb = await knowledge();
    const u = await understandingPipeline();
    for (const m of kb.matters) {
      const found = u.understand(m.title);
      expect(found.outcome, m.title).not.toBe('none');
      expect(found.matches[0]?.matter.no, m.title).toBe(m.no);
    }
  });

  it('finds every matter by each of its example questions', async () => {
    const kb = await knowledge();
    const u = await understandingPipeline();
    for (const m of kb.matters) {
      for (const q of m.examples) {
        const found = u.understand(q);
        expect(found.matches.map((x) => x.matter.no).slice(0, 3), `${m.no}: ${q}`).toContain(m.no);
      }
    }
  });

  it.each([
    ['我要办异地就医备案', [12, 13, 14, 15]],
    ['门诊费用怎么报销', [17, 18]],
  ])('asks which one for "%s"', async (q, expected) => {
    const found = (await understandingPipeline()).understand(q);
    expect(found.outcome).toBe('ambiguous');
    expect(found.matches.map((m) => m.matter.no).sort((a, b) => a - b)).toEqual(expect.arrayContaining(expected));
  });

  it.each(['养老保险怎么交', '公积金怎么提取', '我要办护照', '今天天气怎么样', '你好', '12345'])('rejects "%s" as not ours', async (q) => {
    expect((await understandingPipeline()).understand(q).outcome).toBe('none');
  });

  it.each([
    ['新农合怎么参保', 3],
    ['住院的钱怎么报账', 19],
    ['医保帐户里的钱能取出来吗', 9],
    ['報銷住院費用', 19],
    ['住院费用报消', 19],
  ])('understands "%s" as matter %i', async (q, no) => {
    const found = (await understandingPipeline()).understand(q);
    expect(found.outcome).toBe('match');
    expect(found.matches[0]?.matter.no).toBe(no);
  });

  it('scores in [0, 1], best first, at most five', async () => {
    const u = await understandingPipeline();
    for (const q of ['报销', '异地就医', '参保登记', '个人账户']) {
      const { matches } = u.understand(q);
      expect(matches.length).toBeLessThanOrEqual(5);
      for (const [i, m] of matches.entries()) {
        expect(m.score).toBeGreaterThanOrEqual(0);
        expect(m.score).toBeLessThanOrEqual(1);
        if (i > 0) expect(m.score).toBeLessThanOrEqual(matches[i - 1]!.score);
      }
    }
  });
});
