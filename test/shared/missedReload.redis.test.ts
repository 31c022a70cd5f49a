import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLearnedExamples } from '../../bot/feedback/redisLearnedExamples.js';
import { staffCookie, startLiveService, type LiveService } from '../support/liveService.js';
import { startRedisServer, type TestRedis } from '../support/redisServer.js';

/**
 * Pub/sub is fire-and-forget: an instance whose bus connection is down when a reload is announced
 * never hears of it. Two live services on one private Redis; B connects as a Redis user of its own,
 * so the test can cut B's subscriber (CLIENT KILL) and keep it out (ACL off) while A reloads, then
 * let it back. REDIS_RESYNC_SECONDS is an hour, so only the reconnect can bring B up to date.
 */
const PREFIX = 'missed:';
const QUESTION = '土星上的医保怎么办理呢';
let redis: TestRedis;
let admin: Redis;
let a: LiveService;
let b: LiveService;
beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url);
  await admin.call('ACL', 'SETUSER', 'instance-b', 'on', '>b-password', '~*', '&*', '+@all');
  const env = { REDIS_KEY_PREFIX: PREFIX, REDIS_RESYNC_SECONDS: '3600' };
  a = await startLiveService({ ...env, REDIS_URL: redis.url }, 'info');
  b = await startLiveService({ ...env, REDIS_URL: `redis://instance-b:b-password@127.0.0.1:${redis.port}` }, 'info');
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  admin?.disconnect();
  await redis?.stop();
});

const firstMatter = async (run: LiveService): Promise<number | undefined> =>
  ((await (await fetch(`${run.base}/api/search?q=${encodeURIComponent(QUESTION)}`)).json()) as { matches: Array<{ no: number }> }).matches[0]?.no;

describe('a reload announced while an instance is cut off from Redis pub/sub', () => {
  it('reaches that instance when its subscriber reconnects', async () => {
    expect(await firstMatter(b)).not.toBe(7);
    // staff taught the phrase (the shared examples), as resolving a review item does
    await new RedisLearnedExamples({ client: admin, keyPrefix: PREFIX }).add(7, QUESTION);
    // B's subscriber connection cut, and kept out; its main connection stays
    await admin.call('ACL', 'SETUSER', 'instance-b', 'off');
    expect(await admin.call('CLIENT', 'KILL', 'USER', 'instance-b', 'TYPE', 'pubsub')).toBeGreaterThan(0);
    const cookie = await staffCookie(a.base);
    const reload = await fetch(`${a.base}/api/admin/reload`, { method: 'POST', headers: { cookie, origin: a.base } });
    expect(reload.status).toBe(200);
    expect(await firstMatter(a)).toBe(7);
    // the announcement is gone: B did not hear it
    expect(await firstMatter(b)).not.toBe(7);
    await admin.call('ACL', 'SETUSER', 'instance-b', 'on');
    await expect.poll(() => firstMatter(b), { timeout: 15_000, interval: 200 }).toBe(7);
    expect(b.logText()).toContain("re-loaded after another instance's reload");
  });
});
