import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveService, type LiveService } from '../support/liveService.js';
import { startRedisServer, type TestRedis } from '../support/redisServer.js';
import { BotFrameworkClient } from './botFrameworkClient.js';
import { countyAndLanguageAtOnce, requestCounter, twoQuickAnswers } from './concurrentTurnsScenario.js';

/** The same promises as concurrentTurns.test.ts, with the two turns on two instances sharing one Redis. */
let redis: TestRedis;
let a: LiveService;
let b: LiveService;
const client = new BotFrameworkClient();
beforeAll(async () => {
  redis = await startRedisServer();
  const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'ops-turns:' };
  [a, b] = await Promise.all([startLiveService(env, 'warn'), startLiveService(env, 'warn')]);
  await client.start();
}, 120_000);
afterAll(async () => {
  await client.close();
  await Promise.all([a?.close(), b?.close()]);
  await redis?.stop();
});

describe('concurrent turns on /api/messages, two instances on Redis', () => {
  it('one person in two conversations at once, one on each instance, keeps both the county and the language', async () => {
    const kept = await countyAndLanguageAtOnce(client, [a.base, b.base], a.service.storage, 12, 'redis');
    for (const k of kept) expect(k).toEqual({ lang: 'bo', county: '江孜县', statuses: [200, 200, 200] });
  });

  it('two quick answers, the second to the other instance while the first turn is in flight: the second is not lost', async () => {
    const [onA, onB] = [requestCounter(a.server), requestCounter(b.server)];
    const { statuses, keys } = await twoQuickAnswers(client, [a.base, b.base], () => onA() + onB(), 'quick-redis');
    expect(statuses).toEqual([200, 200]);
    expect(keys[0]).toBe('question');
    expect(keys).toContain('checklist');
  });
});
