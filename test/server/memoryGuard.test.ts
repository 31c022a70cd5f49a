import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { createLogger } from '../../bot/logging/logger.js';
import { MemoryGuard, type MemoryReading } from '../../bot/server/memoryGuard.js';
import { startLiveService, type LiveService } from '../support/liveService.js';

const MiB = 2 ** 20;

let live: LiveService | undefined;
afterEach(async () => {
  await live?.close();
  live = undefined;
});

describe('MemoryGuard', () => {
  it('over the heap or RSS budget it says so, and back under it serves again; readings are reused for sampleMs; each change is logged once', () => {
    let reading: MemoryReading = { heapUsed: 100 * MiB, rss: 300 * MiB };
    let now = 0;
    let reads = 0;
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const guard = new MemoryGuard({
      heapBudgetBytes: 200 * MiB,
      rssBudgetBytes: 500 * MiB,
      sampleMs: 100,
      read: () => {
        reads++;
        return reading;
      },
      now: () => now,
      logger: createLogger('info', sink),
    });
    expect(guard.status().over).toBe(false);
    reading = { heapUsed: 250 * MiB, rss: 300 * MiB };
    now = 50;
    expect(guard.status().over).toBe(false); // the reading at 0 is still fresh
    expect(reads).toBe(1);
    now = 100;
    expect(guard.status()).toMatchObject({ over: true, heapUsed: 250 * MiB, heapBudget: 200 * MiB });
    now = 200;
    expect(guard.status().over).toBe(true);
    reading = { heapUsed: 100 * MiB, rss: 600 * MiB };
    now = 300;
    expect(guard.status().over).toBe(true); // RSS alone
    reading = { heapUsed: 100 * MiB, rss: 300 * MiB };
    now = 400;
    expect(guard.status().over).toBe(false);
    const logged = lines.map((l) => JSON.parse(l).msg as string);
    expect(logged.filter((m) => m.includes('over budget'))).toHaveLength(1);
    expect(logged.filter((m) => m.includes('back under budget'))).toHaveLength(1);
  });

  it('over budget, still lets a Direct Line poll through (directlinejs would stop polling for good) but not a post', () => {
    const guard = new MemoryGuard({ heapBudgetBytes: 1, read: () => ({ heapUsed: 2, rss: 2 }) }).middleware();
    const run = (method: string, path: string): number => {
      let status = 0;
      const res = { set: () => res, status: (s: number) => ((status = s), res), json: () => res } as never;
      guard({ method, path } as never, res, () => (status = 200));
      return status;
    };
    expect(run('GET', '/v3/directline/conversations/abc/activities')).toBe(200);
    expect(run('GET', '/v3/directline/conversations/abc')).toBe(200);
    expect(run('POST', '/v3/directline/conversations/abc/activities')).toBe(503);
    expect(run('POST', '/v3/directline/conversations')).toBe(503);
    expect(run('GET', '/api/search')).toBe(503);
  });

  it('reads the real heap, and the real RSS only when there is an RSS budget to compare it with', () => {
    const heapOnly = new MemoryGuard({ heapBudgetBytes: 1 }).status();
    expect(heapOnly.heapUsed).toBeGreaterThan(MiB);
    expect(heapOnly.over).toBe(true);
    // no RSS budget here (an explicit one below): the RSS is not read from /proc
    if (heapOnly.rssBudget === undefined) expect(heapOnly.rss).toBe(0);
    const both = new MemoryGuard({ heapBudgetBytes: 2 ** 40, rssBudgetBytes: 1 }).status();
    expect(both.rss).toBeGreaterThan(10 * MiB);
    expect(both.over).toBe(true);
    expect(new MemoryGuard({ heapBudgetBytes: 2 ** 40, rssBudgetBytes: 2 ** 40 }).status().over).toBe(false);
  });

  it("defaults to 85 % of V8's heap limit and refuses nonsense budgets", () => {
    expect(new MemoryGuard().heapBudget).toBeGreaterThan(0);
    expect(() => new MemoryGuard({ heapBudgetBytes: 0 })).toThrow(/heapBudgetBytes/);
    expect(() => new MemoryGuard({ rssBudgetBytes: Number.NaN })).toThrow(/rssBudgetBytes/);
    expect(loadConfig({ MEMORY_BUDGET_HEAP_MB: '512' }).memoryBudget).toEqual({ heapBytes: 512 * MiB, rssBytes: undefined });
    expect(() => loadConfig({ MEMORY_BUDGET_RSS_MB: '-1' })).toThrow(/MEMORY_BUDGET_RSS_MB/);
  });

  it('the real server over its budget answers work with 503 JSON and Retry-After, while /healthz still answers', async () => {
    live = await startLiveService({ MEMORY_BUDGET_HEAP_MB: '1' }, 'silent'); // any Node process is over 1 MiB of heap
    for (const [method, path] of [
      ['POST', '/v3/directline/conversations'],
      ['POST', '/api/directline/token'],
      ['GET', `/api/search?q=${encodeURIComponent('住院报销')}`],
      ['POST', '/api/messages'],
    ] as const) {
      const res = await fetch(live.base + path, { method });
      expect(res.status, path).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await res.json()).toEqual({ error: { code: 'service_unavailable', message: expect.any(String) } });
    }
    const health = await fetch(`${live.base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});
