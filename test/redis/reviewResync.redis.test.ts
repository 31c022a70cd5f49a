import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisReviewLog } from '../../bot/feedback/redisReviewLog.js';
import type { NewReviewEvent, ReviewChange } from '../../bot/feedback/reviewStore.js';
import { RedisBus } from '../../bot/redis/redisBus.js';
import { startCuttableRedis, type CuttableRedis } from './cuttableRedis.js';

/** RedisReviewLog's change numbers on a private redis-server: B connects as the Redis user the test can cut off. */
let server: CuttableRedis;
const clients: Redis[] = [];
const buses: RedisBus[] = [];
beforeAll(async () => {
  server = await startCuttableRedis();
});
afterAll(async () => {
  for (const b of buses) b.close();
  for (const c of clients) c.disconnect();
  await server?.stop();
});

async function open(url: string, resyncMs: number, keyPrefix = 'resync:'): Promise<{ log: RedisReviewLog; changes: ReviewChange[] }> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  const bus = new RedisBus(client, keyPrefix);
  clients.push(client);
  buses.push(bus);
  const log = await RedisReviewLog.open({ client, keyPrefix, url, retentionMs: 30 * 86_400_000, bus, resyncMs });
  const changes: ReviewChange[] = [];
  log.subscribe((c) => changes.push(c));
  return { log, changes };
}

const question = (text: string): NewReviewEvent => ({ kind: 'gap', channel: 'test', conversationId: 'c1', lang: 'zh-CN', question: text, reason: 'none' });

describe('RedisReviewLog change numbers', () => {
  it('a change announced while an instance is cut off is found by its slow check, which asks its listeners to read everything again', async () => {
    const a = await open(server.redis.url, 3_600_000);
    const b = await open(server.cutOffUrl, 100);
    // heard on the bus while connected: the change itself, no re-read
    await a.log.append(question('第一个问题'));
    await expect.poll(() => b.changes.map((c) => c.type), { timeout: 10_000 }).toEqual(['add']);
    try {
      expect(await server.cutOff()).toBe(1);
      await a.log.append(question('第二个问题'));
      // still cut off: only the counter tells B, a check period after it first saw it ahead
      await expect.poll(() => b.changes.map((c) => c.type), { timeout: 10_000 }).toEqual(['add', 'reset']);
      expect((await b.log.events(1)).map((e) => e.question)).toContain('第二个问题');
    } finally {
      await server.letBack();
    }
    expect(a.changes.map((c) => c.type)).toEqual(['add', 'add']);
  });

  it('asks for a re-read when the counter went back (Redis lost its data)', async () => {
    const a = await open(server.redis.url, 100, 'lost:');
    await a.log.append(question('丢失前的问题'));
    await server.admin.del('lost:review:version');
    await expect.poll(() => a.changes.map((c) => c.type), { timeout: 10_000 }).toEqual(['add', 'reset']);
  });
});
