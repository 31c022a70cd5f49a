import { EventEmitter } from 'node:events';
import type { Request, Response as ExpressResponse } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { CpuBudget } from '../../bot/server/cpuBudget.js';
import { startLiveService, type LiveService } from '../support/liveService.js';
import { expectClientError } from './robustnessKit.js';

let live: LiveService | undefined;
afterEach(async () => {
  await live?.close();
  live = undefined;
});

const search = (q: string, headers: Record<string, string> = {}) => fetch(`${live!.base}/api/search?q=${encodeURIComponent(q)}`, { headers });
// ~480 characters of varied Chinese: as much work as one question can buy
const HEAVY = Array.from({ length: 480 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20000))).join('');

describe('per-client CPU budget (issue 11, defect 5)', () => {
  it('a client that spends its CPU budget gets 429 JSON with Retry-After; /healthz and other clients are served', async () => {
    // The request-count limit stays generous: only the CPU spent refuses.
    live = await startLiveService({ RATE_LIMIT_PER_MINUTE: '100000', CPU_BUDGET_MS_PER_MINUTE: '40', TRUST_PROXY: '1' }, 'silent');
    const attacker = { 'x-forwarded-for': '203.0.113.7' };
    let refused: Response | undefined;
    for (let i = 0; i < 300 && refused === undefined; i++) {
      const res = await search(HEAVY, attacker);
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(200);
    }
    expect(refused, 'the budget was never reached in 300 requests').toBeDefined();
    const r = refused!;
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = await expectClientError(r, 429, 'over the CPU budget');
    expect(body.message).toMatch(/ms of CPU a minute/);
    // the same client stays refused on every limited endpoint, others are not
    expect((await fetch(`${live.base}/v3/directline/conversations`, { method: 'POST', headers: attacker })).status).toBe(429);
    expect((await search('住院报销', { 'x-forwarded-for': '198.51.100.9' })).status).toBe(200);
    expect((await fetch(`${live.base}/healthz`, { headers: attacker })).status).toBe(200);
  });

  it('0 turns it off; RATE_LIMIT_PER_MINUTE=0 (load tests) turns it off too; the default is 6000 ms', async () => {
    live = await startLiveService({ RATE_LIMIT_PER_MINUTE: '100000', CPU_BUDGET_MS_PER_MINUTE: '0' }, 'silent');
    for (let i = 0; i < 40; i++) expect((await search(HEAVY)).status).toBe(200);
    await live.close();
    live = await startLiveService({ RATE_LIMIT_PER_MINUTE: '0', CPU_BUDGET_MS_PER_MINUTE: '1' }, 'silent');
    for (let i = 0; i < 40; i++) expect((await search(HEAVY)).status).toBe(200);
    expect(loadConfig({}).cpuBudgetMsPerMinute).toBe(6000);
    expect(() => loadConfig({ CPU_BUDGET_MS_PER_MINUTE: '-5' })).toThrow(/CPU_BUDGET_MS_PER_MINUTE/);
  });

  it('charges CPU shared among the requests in flight, drains over the minute, and says when to come back', () => {
    let cpu = 0;
    let now = 0;
    const budget = new CpuBudget({ msPerMinute: 100, cpuMicros: () => cpu, now: () => now });
    const handler = budget.byAddress();
    const start = (ip: string) => {
      const res = Object.assign(new EventEmitter(), {
        headers: {} as Record<string, string>,
        statusCode: 200,
        body: undefined as unknown,
        set(k: string, v: string) {
          this.headers[k.toLowerCase()] = v;
          return this;
        },
        status(code: number) {
          this.statusCode = code;
          return this;
        },
        json(b: unknown) {
          this.body = b;
          return this;
        },
      });
      let passed = false;
      handler({ ip } as Request, res as unknown as ExpressResponse, () => {
        passed = true;
      });
      return { res, passed, end: () => res.emit('close') };
    };
    // two clients in flight together share 60 ms of CPU: 30 each, not 60 each
    const a = start('192.0.2.1');
    const b = start('192.0.2.2');
    cpu += 60_000;
    a.end();
    b.end();
    expect(budget.spent('192.0.2.1')).toBeCloseTo(30);
    expect(budget.spent('192.0.2.2')).toBeCloseTo(30);
    // alone, a client is charged all of it; crossing the budget refuses the next request
    const c = start('192.0.2.1');
    cpu += 90_000;
    c.end();
    expect(budget.spent('192.0.2.1')).toBeCloseTo(120);
    const refused = start('192.0.2.1');
    expect(refused.passed).toBe(false);
    expect(refused.res.statusCode).toBe(429);
    // 20 ms over a 100 ms/min budget drains in 12 s
    expect(Number(refused.res.headers['retry-after'])).toBe(13);
    now += 13_000;
    expect(start('192.0.2.1').passed).toBe(true);
    // time with nothing in flight is charged to no one
    cpu += 1_000_000;
    now += 60_000;
    expect(budget.spent('192.0.2.2')).toBe(0);
  });
});
