import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ReviewLog } from '../bot/feedback/reviewLog.js';
import { fillReviewQueue } from '../test/feedback/reviewFill.js';
import { percentile } from './stats.js';
import { freePort } from '../test/support/loopback.js';
import { serverCommand, startServerProcess } from '../test/support/serverProcess.js';

/**
 * The review queue at 100,000 open items (issue 11 defect 4), the server as its own process:
 * /healthz latency while staff load the review page (a page of the queue, the 14-day summary and the
 * notices, one after another), beside /healthz with nothing else going on; the admin requests'
 * own latency; start-up time with the full queue; and one append to a day of 200,000 records vs an
 * empty one (append-only: the cost must not grow with the day).
 */
const ITEMS = 100_000;
const PAGE_LOADS = 30;
const STAFF_TOKEN = 'review-bench-staff-token-0123456789';

const ms = (sorted: number[]): string =>
  `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms`;

async function timed(url: string, init?: RequestInit): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return performance.now() - t;
}

/** /healthz asked one after another until `until` settles; the latencies, sorted. */
async function pollHealth(base: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const times: number[] = [];
  while (!done && times.length < 100_000) times.push(await timed(`${base}/healthz`));
  return times.sort((a, b) => a - b);
}

async function appendCost(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'review-append-'));
  try {
    const time = async (log: ReviewLog): Promise<number[]> => {
      const t: number[] = [];
      for (let i = 0; i < 50; i++) {
        const s = performance.now();
        await log.append({ kind: 'gap', reason: 'none', question: `问题 ${i}`, channel: 'directline', conversationId: 'c', lang: 'zh-CN' });
        t.push(performance.now() - s);
      }
      return t.sort((a, b) => a - b);
    };
    const empty = await time(new ReviewLog({ dir: path.join(dir, 'empty'), retentionMs: 86_400_000 }));
    await fillReviewQueue(dir, ITEMS);
    const full = await time(new ReviewLog({ dir: path.join(dir, 'review'), retentionMs: 86_400_000 }));
    return `review append (fsynced), to a day of ${(2 * ITEMS).toLocaleString('en')} records vs an empty day: p50 ${percentile(full, 50).toFixed(2)} vs ${percentile(empty, 50).toFixed(2)} ms, p99 ${percentile(full, 99).toFixed(2)} vs ${percentile(empty, 99).toFixed(2)} ms`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function reviewBench(): Promise<string[]> {
  const lines: string[] = [await appendCost()];
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'review-bench-'));
  let child: ChildProcess | undefined;
  try {
    await fillReviewQueue(dataDir, ITEMS);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // Built before the clock starts, so the figure is the start-up of `npm start`'s server alone.
    await serverCommand();
    const started = performance.now();
    child = await startServerProcess(port, { DATA_DIR: dataDir, STAFF_TOKEN, RATE_LIMIT_PER_MINUTE: '0' }, 300_000);
    lines.push(`start-up to a healthy /healthz with ${ITEMS.toLocaleString('en')} queued items: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const login = await fetch(`${base}/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: STAFF_TOKEN }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const headers = { cookie };

    // The worker indexes the queue at start-up; the first page waits for it.
    const firstStarted = performance.now();
    const first = timed(`${base}/api/admin/review?limit=20`, { headers });
    const duringFirst = await pollHealth(base, first);
    lines.push(
      `first page of the queue after start-up (the worker still indexing): ${((performance.now() - firstStarted) / 1000).toFixed(1)} s; /healthz meanwhile (${duringFirst.length}): ${ms(duringFirst)}`,
    );

    const idle = await pollHealth(base, new Promise((r) => setTimeout(r, 3000)));
    const admin: number[] = [];
    const loads = (async () => {
      for (let i = 0; i < PAGE_LOADS; i++) {
        admin.push(await timed(`${base}/api/admin/review?limit=20&cursor=${(i % 5) * 20}`, { headers }));
        admin.push(await timed(`${base}/api/admin/summary?days=14`, { headers }));
        admin.push(await timed(`${base}/api/admin/notices`, { headers }));
      }
    })();
    const busy = await pollHealth(base, loads);
    admin.sort((a, b) => a - b);
    lines.push(
      `/healthz while staff load the review page ${PAGE_LOADS} times (${ITEMS.toLocaleString('en')} open items; ${busy.length} polls): ${ms(busy)}; with nothing else going on: ${ms(idle)}`,
    );
    lines.push(`admin requests themselves (page of 20, summary, notices): ${ms(admin)}`);
  } finally {
    child?.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
  return lines;
}
