import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstChars, UNDERSTOOD_CHARS } from '../../bot/understanding/textBound.js';
import { understandingPipeline } from '../support/services.js';
import { DirectLineTestClient, startLiveService, type LiveService } from '../support/liveService.js';

/**
 * Issue 11, defect 5: a 4,000-character message cost about 800 ms of CPU (fuse.js on one
 * long "word", and scans over every hit per word), so two a second starved /healthz. A turn
 * now reads at most UNDERSTOOD_CHARS characters with no step worse than linear: a 4,000-
 * character turn costs at most 3× a 20-character one of the same kind. CPU, not wall time,
 * and a ratio of medians from the same run, so a busy machine moves both sides alike.
 */
let live: LiveService;
let dl: DirectLineTestClient;
beforeAll(async () => {
  live = await startLiveService({}, 'warn');
  dl = new DirectLineTestClient(live.base);
});
afterAll(() => live.close());

const cpuMicros = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const fill = (unit: string, n: number): string =>
  Array.from(unit.repeat(Math.ceil(n / [...unit].length)))
    .slice(0, n)
    .join('');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** CPU of one whole Direct Line opening turn (server and client share this process) */
async function turnCost(text: string): Promise<number> {
  const conv = await dl.open();
  const before = cpuMicros();
  const replies = await dl.say(conv, text);
  const spent = cpuMicros() - before;
  expect(replies.length).toBeGreaterThan(0);
  return spent;
}

// What made it slow before: one long unknown "word" (digits, Latin), Chinese, Latin words, and
// Chinese mixed with Tibetan.
const KINDS: Record<string, string> = {
  digits: '1',
  letters: 'a',
  chinese: '退休了去成都住医保要备案吗',
  latinWords: 'abc qwe zxy ',
  tibetanMixed: 'ངའི་医保 ཕྱིར་སྤྲོད་ག་རེ་དགོས། 江孜县 ',
};

describe('CPU of a turn does not grow with the length of the message', () => {
  it.each(Object.entries(KINDS))('%s: 4,000 characters cost at most 3× 20 characters', async (_kind, unit) => {
    const short = fill(unit, 20);
    const long = fill(unit, 4000);
    await turnCost(short);
    await turnCost(long);
    const shorts: number[] = [];
    const longs: number[] = [];
    // interleaved, so a burst of load elsewhere lands on both sides
    for (let i = 0; i < 5; i++) {
      shorts.push(await turnCost(short));
      longs.push(await turnCost(long));
    }
    expect(median(longs) / median(shorts)).toBeLessThanOrEqual(3);
  });

  it('understanding reads the first UNDERSTOOD_CHARS characters only: words after them change nothing', async () => {
    const u = await understandingPipeline();
    const filler = fill('今天天气不错', UNDERSTOOD_CHARS);
    const summary = (x: ReturnType<typeof u.understand>) => ({
      outcome: x.outcome,
      matches: x.matches.map((m) => [m.matter.no, m.score]),
      terms: x.terms,
      offices: x.offices.matches.map((m) => m.office.name),
    });
    // a question after the first UNDERSTOOD_CHARS characters is not read at all
    const late = u.understand(`${filler}住院费用怎么报销 江孜县`);
    expect(summary(late)).toEqual(summary(u.understand(filler)));
    expect(late.terms).not.toContain('报销');
    expect(late.offices.matches.map((m) => m.office.division)).not.toContain('江孜县');
    // a long message is understood exactly as its first UNDERSTOOD_CHARS characters
    const long = `住院费用怎么报销 江孜县${filler}`;
    expect(summary(u.understand(long))).toEqual(summary(u.understand(firstChars(long))));
    expect(u.understand(long).offices.matches[0]?.office.division).toBe('江孜县');
    // a surrogate pair at the edge is never split into a lone surrogate
    const astral = u.understand(`${'字'.repeat(UNDERSTOOD_CHARS - 1)}𠀀${'字'.repeat(10)}`);
    expect(astral.normalized).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/u);
  });
});
