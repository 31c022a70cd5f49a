import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLearnedExamples } from '../../bot/feedback/redisLearnedExamples.js';
import { DirectLineTestClient, staffCookie, startLiveService, type LiveService } from '../support/liveService.js';
import { startCuttableRedis, type CuttableRedis } from '../redis/cuttableRedis.js';

/**
 * Pub/sub is fire-and-forget: an instance whose bus connection is down when a reload or a review
 * change is announced never hears of it. Two live services on one private Redis; B connects as the Redis user
 * the test can cut off (test/redis/cuttableRedis.ts): its subscribers killed and kept out while A
 * announces, then let back. REDIS_RESYNC_SECONDS is an hour, so only the reconnect can bring B up to date.
 */
const PREFIX = 'missed:';
const QUESTION = '土星上的医保怎么办理呢';
let server: CuttableRedis;
let a: LiveService;
let b: LiveService;
beforeAll(async () => {
  server = await startCuttableRedis();
  const env = { REDIS_KEY_PREFIX: PREFIX, REDIS_RESYNC_SECONDS: '3600' };
  a = await startLiveService({ ...env, REDIS_URL: server.redis.url }, 'info');
  b = await startLiveService({ ...env, REDIS_URL: server.cutOffUrl }, 'info');
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await server?.stop();
});

const firstMatter = async (run: LiveService): Promise<number | undefined> =>
  ((await (await fetch(`${run.base}/api/search?q=${encodeURIComponent(QUESTION)}`)).json()) as { matches: Array<{ no: number }> }).matches[0]?.no;

/** B's subscriber connections cut, and kept out until `server.letBack()`; its main connection stays. */
async function cutOffB(): Promise<void> {
  expect(await server.cutOff()).toBeGreaterThan(0);
}

describe('announcements made while an instance is cut off from Redis pub/sub', () => {
  it('a reload reaches that instance when its subscriber reconnects', async () => {
    expect(await firstMatter(b)).not.toBe(7);
    // staff taught the phrase (the shared examples), as resolving a review item does
    await new RedisLearnedExamples({ client: server.admin, keyPrefix: PREFIX }).add(7, QUESTION);
    await cutOffB();
    const cookie = await staffCookie(a.base);
    const reload = await fetch(`${a.base}/api/admin/reload`, { method: 'POST', headers: { cookie, origin: a.base } });
    expect(reload.status).toBe(200);
    expect(await firstMatter(a)).toBe(7);
    // the announcement is gone: B did not hear it
    expect(await firstMatter(b)).not.toBe(7);
    await server.letBack();
    await expect.poll(() => firstMatter(b), { timeout: 15_000, interval: 200 }).toBe(7);
    expect(b.logText()).toContain("re-loaded after another instance's reload");
  });

  it("a question asked meanwhile reaches that instance's review queue when its subscriber reconnects", async () => {
    const question = '今天的天气好不好呀';
    const queue = async (run: LiveService, cookie: string): Promise<string[]> =>
      ((await (await fetch(`${run.base}/api/admin/review`, { headers: { cookie } })).json()) as { groups: Array<{ question: string }> }).groups.map(
        (g) => g.question,
      );
    const [cookieA, cookieB] = [await staffCookie(a.base), await staffCookie(b.base)];
    // B's review index is built (its worker reads the queue once, then follows the announcements)
    expect(await queue(b, cookieB)).not.toContain(question);
    await cutOffB();
    const chat = new DirectLineTestClient(a.base);
    await chat.say(await chat.open(), question);
    await expect.poll(() => queue(a, cookieA), { timeout: 10_000 }).toContain(question);
    // the announcement is gone: B's index cannot have it
    expect(await queue(b, cookieB)).not.toContain(question);
    await server.letBack();
    await expect.poll(() => queue(b, cookieB), { timeout: 15_000, interval: 200 }).toContain(question);
  });
});
