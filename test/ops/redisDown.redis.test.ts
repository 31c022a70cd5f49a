import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveService, type LiveService } from '../support/liveService.js';
import { startRedisServer, type TestRedis } from '../support/redisServer.js';
import { BotFrameworkClient } from './botFrameworkClient.js';
import { OPENING } from './sigtermBurst.js';

/** The service with REDIS_URL while its Redis goes away and comes back. */
let redis: TestRedis;
let live: LiveService;
const client = new BotFrameworkClient();
beforeAll(async () => {
  redis = await startRedisServer();
  live = await startLiveService({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'down:' }, 'warn');
  await client.start();
}, 120_000);
afterAll(async () => {
  await client.close();
  await live?.close();
  await redis?.stop();
});

const post = (path: string, body: unknown = {}): Promise<Response> =>
  fetch(`${live.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('Redis down or gone away', () => {
  it('chat endpoints answer 503 JSON with Retry-After, /readyz is 503, nothing is kept locally, and it recovers by itself', async () => {
    expect(await client.send(live.base, 'down', 'down-user', OPENING)).toBe(200);
    await redis.stop();
    await expect.poll(() => client.send(live.base, 'down', 'down-user', '新办备案'), { timeout: 15_000, interval: 100 }).toBe(503);

    const refusals = [
      await fetch(`${live.base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'x' }),
      }),
      await post('/v3/directline/conversations'),
      await post('/api/directline/token'),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toEqual({ error: { code: 'store_unavailable', message: expect.stringContaining('Redis') } });
    }
    expect((await fetch(`${live.base}/readyz`)).status).toBe(503);
    expect((await fetch(`${live.base}/healthz`)).status).toBe(200);
    // Never a silent fall-back to local state.
    expect(await readdir(live.dataDir)).not.toContain('state');

    redis = await startRedisServer(redis.port);
    await expect.poll(async () => (await fetch(`${live.base}/readyz`)).status, { timeout: 30_000, interval: 200 }).toBe(200);
    // This test's Redis keeps nothing across a restart, so the conversation starts again, on Redis.
    const before = client.messages('down').length;
    expect(await client.send(live.base, 'down', 'down-user', OPENING)).toBe(200);
    expect(
      client
        .messages('down')
        .slice(before)
        .map((m) => m.channelData?.messageKey),
    ).toEqual(['matterStart', 'question']);
  });
});
