import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStorage } from '../../bot/storage/redisStorage.js';
import { startRedisServer, type TestRedis } from '../support/redisServer.js';
import { storageContract } from './storageContract.js';

let redis: TestRedis;
let admin: Redis;
beforeAll(async () => {
  redis = await startRedisServer();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

const TTL_MS = 60_000;

// Every test gets its own key prefix on the one server; every client its own connection.
storageContract('RedisStorage', async () => {
  const keyPrefix = `t${randomUUID()}:`;
  const clients: Redis[] = [];
  const make = (): RedisStorage => {
    const client = new Redis(redis.url);
    clients.push(client);
    return new RedisStorage({ client, keyPrefix, ttlMs: TTL_MS });
  };
  const keyOf = make();
  return {
    ttlMs: TTL_MS,
    client: async () => make(),
    // Redis keeps the time: shorten what is left of the key's TTL, or let it expire for real.
    age: async (key, ms) => {
      const redisKey = keyOf.redisKey(key);
      const left = await admin.pttl(redisKey);
      if (left < 0) return;
      if (left - ms > 0) {
        await admin.pexpire(redisKey, Math.round(left - ms));
        return;
      }
      await admin.pexpire(redisKey, 1);
      await expect.poll(() => admin.exists(redisKey), { timeout: 5000 }).toBe(0);
    },
    close: async () => {
      for (const c of clients) c.disconnect();
    },
  };
});

describe('RedisStorage on Redis', () => {
  it('keeps state under <prefix>state:<key> as a hash with the TTL set, apart from other prefixes', async () => {
    const client = new Redis(redis.url);
    try {
      const a = new RedisStorage({ client, keyPrefix: 'svcA:', ttlMs: TTL_MS });
      const b = new RedisStorage({ client, keyPrefix: 'svcB:', ttlMs: TTL_MS });
      await a.write({ 'directline/conversations/x/': { n: 1 } });
      expect(await b.read(['directline/conversations/x/'])).toEqual({});
      const stored = await admin.hgetall('svcA:state:directline/conversations/x/');
      expect(JSON.parse(stored.v ?? '')).toEqual({ n: 1 });
      expect(stored.e).toBe((await a.read(['directline/conversations/x/']))['directline/conversations/x/']?.eTag);
      const ttl = await admin.pttl('svcA:state:directline/conversations/x/');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(TTL_MS);
    } finally {
      client.disconnect();
    }
  });

  it('still compares eTags after Redis forgot its scripts (SCRIPT FLUSH, as after a restart)', async () => {
    const client = new Redis(redis.url);
    try {
      const s = new RedisStorage({ client, keyPrefix: `t${randomUUID()}:` });
      await s.write({ k: { n: 1 } });
      const { k } = await s.read(['k']);
      await admin.script('FLUSH');
      await s.write({ k: { ...k, n: 2 } });
      await expect(s.write({ k: { ...k, n: 3 } })).rejects.toThrow(/eTag conflict/);
      expect(await admin.pttl(s.redisKey('k'))).toBe(-1); // no ttlMs: kept until deleted
    } finally {
      client.disconnect();
    }
  });
});
