import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffCookie, startLiveService, type LiveService } from '../support/liveService.js';
import { fillReviewQueue } from './reviewFill.js';

const ITEMS = 100_000;

let live: LiveService;
let dataDir: string;
let cookie: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'review-load-'));
  await fillReviewQueue(dataDir, ITEMS);
  live = await startLiveService({ DATA_DIR: dataDir }, 'warn');
  cookie = await staffCookie(live.base);
}, 120_000);
afterAll(async () => {
  await live?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function admin(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(live.base + url, { ...init, headers: { cookie, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  return { status: res.status, body: await res.json() };
}

/** Runs `request` while asking /healthz one after another; returns its answer and the /healthz statuses seen meanwhile. */
async function whilePolling<T>(request: () => Promise<T>): Promise<{ result: T; health: number[] }> {
  let done = false;
  const health: number[] = [];
  const poller = (async () => {
    // Bounded: at most 2,000 polls whatever happens.
    for (let i = 0; i < 2000 && !done; i++) health.push((await fetch(`${live.base}/healthz`)).status);
  })();
  try {
    return { result: await request(), health };
  } finally {
    done = true;
    await poller;
  }
}

describe(`the review queue with ${ITEMS.toLocaleString('en')} open items`, () => {
  it('answers /healthz all the while staff load the queue and the summary (grouping is off the event loop)', async () => {
    // The first page starts the worker, which reads and groups every item: seconds of work, none of it on the event loop.
    const first = await whilePolling(() => admin('/api/admin/review?limit=50'));
    expect(first.result.status).toBe(200);
    expect(first.health.every((s) => s === 200)).toBe(true);
    expect(first.health.length).toBeGreaterThanOrEqual(3);
    const page = first.result.body;
    expect(page.groups).toHaveLength(50);
    expect(page.total).toBeGreaterThan(ITEMS / 2);
    expect(page.nextCursor).toBe('50');
    expect(page.groups.every((g: any) => g.ids.length <= 200 && typeof g.key === 'string')).toBe(true);

    const summary = await whilePolling(() => admin('/api/admin/summary?days=14'));
    expect(summary.result.status).toBe(200);
    expect(summary.health.every((s) => s === 200)).toBe(true);
    const today = summary.result.body.days.at(-1);
    expect(today).toMatchObject({ questions: ITEMS, fallbacks: ITEMS });
    expect(today.topUnanswered).toHaveLength(5);

    // The next pages follow the cursor and never repeat a group.
    const second = (await admin(`/api/admin/review?limit=50&cursor=${page.nextCursor}`)).body;
    expect(second.groups).toHaveLength(50);
    expect(new Set([...page.groups, ...second.groups].map((g: any) => g.key)).size).toBe(100);
    const last = (await admin(`/api/admin/review?limit=50&cursor=${page.total - 10}`)).body;
    expect(last.groups).toHaveLength(10);
    expect(last.nextCursor).toBeNull();

    // A whole group resolved by its key leaves the queue.
    const top = page.groups[0];
    const resolved = await admin('/api/admin/review/resolve', { method: 'POST', body: JSON.stringify({ group: top.key, matter: null }) });
    expect(resolved.status).toBe(200);
    expect(resolved.body.resolved).toBe(top.count);
    const after = (await admin('/api/admin/review?limit=1')).body;
    expect(after.total).toBe(page.total - 1);
    expect(after.groups[0].key).not.toBe(top.key);
  }, 120_000);

  it('refuses bad paging parameters with 400 JSON', async () => {
    for (const query of ['limit=0', 'limit=51', 'limit=abc', 'cursor=-1', 'cursor=abc', 'cursor=1&cursor=2', 'limit=1.5', 'cursor=9999999999']) {
      const res = await admin(`/api/admin/review?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('bad_request');
      expect(res.body.error.message, query).toMatch(/limit|cursor/);
    }
    for (const body of [
      { group: 5, matter: null },
      { group: 'x', ids: ['a'], matter: null },
      { group: 'no such group', matter: null },
    ]) {
      const res = await admin('/api/admin/review/resolve', { method: 'POST', body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
    }
  });
});
