import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService } from '../../bot/index.js';
import { createLogger } from '../../bot/logging/logger.js';
import { RedisUnavailableError } from '../../bot/redis/redisUnavailableError.js';
import { startRedisServer, type TestRedis } from '../support/redisServer.js';
import { startService, type Running } from '../wechat/wechatSimulator.js';

/** Two whole services on one Redis, as two instances behind a balancer. */
let redis: TestRedis;
let a: Running;
let b: Running;
beforeAll(async () => {
  redis = await startRedisServer();
  const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'yibao-test:' };
  [a, b] = await Promise.all([startService({ safeMode: false, env }), startService({ safeMode: false, env })]);
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await redis?.stop();
});

const content = (answer: { status: number; reply?: Record<string, string> }): string => {
  expect(answer.status).toBe(200);
  return answer.reply?.Content ?? '';
};

describe('the service with REDIS_URL', () => {
  it("continues one person's conversation on whichever instance their next message reaches, with state only in Redis", async () => {
    const kb = a.service.knowledge;
    const matter = kb.matter(12)!;
    const filing = matter.questions.find((q) => q.id === 'filingAction')!;
    const delegate = kb.general.delegation.question;
    const user = `oRedisUser_${process.pid}`;

    const first = content(await a.wechat.send(a.wechat.text(user, '我退休了，要搬去成都跟女儿一起生活，医保需要办什么')));
    filing.options.forEach((o, i) => expect(first).toMatch(new RegExp(`${i + 1}\\. ${o.label}`)));
    // B never saw this person: it can only know the question from the state A saved in Redis.
    // (Its own MsgId: each simulator counts from the same start, and the replay guard is shared now.)
    const second = content(await b.wechat.send(b.wechat.text(user, String(filing.options.findIndex((o) => o.id === 'new') + 1), a.wechat.nextMsgId())));
    delegate.options.forEach((o, i) => expect(second).toMatch(new RegExp(`${i + 1}\\. ${o.label}`)));
    const third = content(await a.wechat.send(a.wechat.text(user, String(delegate.options.findIndex((o) => o.id === 'self') + 1))));
    expect(third).toContain(matter.title);
    expect(b.service.wechat!.turns).toBe(1);

    const admin = new Redis(redis.url);
    try {
      const keys = await admin.keys('yibao-test:state:*');
      expect(keys.some((k) => k.includes(user))).toBe(true);
      expect(await admin.keys('yibao-test:lock:*')).toEqual([]); // every turn's lock released
    } finally {
      admin.disconnect();
    }
    for (const run of [a, b]) {
      const files = await import('node:fs/promises').then((fs) => fs.readdir(run.dataDir));
      expect(files).not.toContain('state'); // no silent local copy
    }
  });

  it('is ready while Redis answers; when Redis goes away /readyz is a 503 JSON (healthz stays 200) and it recovers by itself', async () => {
    for (const run of [a, b]) {
      const res = await fetch(`${run.base}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready', checks: { redis: 'ok' } });
    }
    await redis.stop();
    await expect.poll(async () => (await fetch(`${a.base}/readyz`)).status, { timeout: 15_000 }).toBe(503);
    const res = await fetch(`${b.base}/readyz`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({
      status: 'not_ready',
      checks: { redis: expect.stringMatching(/^unreachable/) },
      error: { code: 'not_ready', message: expect.stringContaining('redis') },
    });
    expect((await fetch(`${a.base}/healthz`)).status).toBe(200);
    // A WeChat message meanwhile gets 503 with Retry-After at once (WeChat retries, then tells the
    // person to try later): no 500, no hang, nothing run on local state.
    const refused = await a.wechat.send(a.wechat.text(`oRedisDown_${process.pid}`, '异地就医备案'));
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'store_unavailable' } });

    redis = await startRedisServer(redis.port);
    await expect.poll(async () => (await fetch(`${a.base}/readyz`)).status, { timeout: 30_000, interval: 200 }).toBe(200);
    await expect.poll(async () => (await fetch(`${b.base}/readyz`)).status, { timeout: 30_000, interval: 200 }).toBe(200);
  });

  it('refuses to start when Redis is unreachable, naming the URL without its password', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await buildService(
      { NODE_ENV: 'test', REDIS_URL: `redis://:pw-secret-123@127.0.0.1:${port}`, LOG_LEVEL: 'silent' },
      createLogger('silent'),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect((err as Error).message).not.toContain('pw-secret-123');
  });
});
