import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { startLiveService, type LiveService } from '../support/liveService.js';
import { expectClientError } from './robustnessKit.js';

let live: LiveService | undefined;
afterEach(async () => {
  await live?.close();
  live = undefined;
});

const search = (extra: Record<string, string> = {}) => fetch(`${live!.base}/api/search?q=${encodeURIComponent('住院报销')}`, { headers: extra });

describe('per-client rate limits', () => {
  it('answer 429 JSON beyond RATE_LIMIT_PER_MINUTE, one budget across search, offices, /api/messages and Direct Line', async () => {
    live = await startLiveService({ RATE_LIMIT_PER_MINUTE: '5' }, 'silent');
    for (let i = 0; i < 3; i++) expect((await search()).status).toBe(200);
    expect((await fetch(`${live.base}/api/offices?q=${encodeURIComponent('江孜')}`)).status).toBe(200);
    expect((await fetch(`${live.base}/v3/directline/conversations`, { method: 'POST' })).status).toBe(201);
    const refused = await expectClientError(await search(), 429, 'sixth request');
    expect(refused.message).toMatch(/at most 5 a minute/);
    await expectClientError(
      await fetch(`${live.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      429,
      'messages',
    );
    // Health checks and the static pages are not limited.
    expect((await fetch(`${live.base}/healthz`)).status).toBe(200);
  });

  it('behind a trusted proxy each X-Forwarded-For client has its own budget; without TRUST_PROXY the header is ignored', async () => {
    live = await startLiveService({ RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: '1' }, 'silent');
    for (const ip of ['203.0.113.7', '203.0.113.7']) expect((await search({ 'x-forwarded-for': ip })).status).toBe(200);
    expect((await search({ 'x-forwarded-for': '203.0.113.7' })).status).toBe(429);
    expect((await search({ 'x-forwarded-for': '198.51.100.9' })).status).toBe(200);
    // The client's own claim in front of the proxy's hop does not buy a new budget.
    expect((await search({ 'x-forwarded-for': '10.9.9.9, 203.0.113.7' })).status).toBe(429);
    await live.close();

    live = await startLiveService({ RATE_LIMIT_PER_MINUTE: '2' }, 'silent');
    expect((await search({ 'x-forwarded-for': '203.0.113.1' })).status).toBe(200);
    expect((await search({ 'x-forwarded-for': '203.0.113.2' })).status).toBe(200);
    expect((await search({ 'x-forwarded-for': '203.0.113.3' })).status).toBe(429);
  });

  it('0 turns the limit off', async () => {
    live = await startLiveService({ RATE_LIMIT_PER_MINUTE: '0' }, 'silent');
    for (let i = 0; i < 30; i++) expect((await search()).status).toBe(200);
  });

  it('config: TRUST_PROXY forms, and production refuses to start without STAFF_TOKEN', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    expect(loadConfig({ RETENTION_DAYS: '7' }).retentionMs).toBe(7 * 86_400_000);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/STAFF_TOKEN/);
  });
});
