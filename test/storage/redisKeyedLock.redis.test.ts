import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeyedLock } from '../../bot/storage/redisKeyedLock.js';
import { RedisStorage } from '../../bot/storage/redisStorage.js';
import { TurnLockMiddleware } from '../../bot/storage/turnLockMiddleware.js';
import { concurrentCounterTurns } from './turnLockScenario.js';
import { LockLostError } from '../../bot/storage/lockLostError.js';
import { LockTimeoutError } from '../../bot/storage/lockTimeoutError.js';
import { startRedisServer, type TestRedis } from '../support/redisServer.js';
import { keyedLockContract } from './keyedLockContract.js';

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

/** Short leases so a dead holder's ends quickly; acquire waits up to 10 s. */
const LEASE_MS = 400;

keyedLockContract('RedisKeyedLock', async () => {
  const keyPrefix = `t${randomUUID()}:`;
  const clients: Redis[] = [];
  const make = (): RedisKeyedLock => {
    const client = new Redis(redis.url);
    clients.push(client);
    return new RedisKeyedLock({ client, keyPrefix, leaseMs: LEASE_MS, acquireTimeoutMs: 10_000 });
  };
  return {
    client: async () => make(),
    // The holder's connection goes away with the lock held: no release, no more renewals.
    dieHolding: async (key) => {
      const client = new Redis(redis.url);
      await new RedisKeyedLock({ client, keyPrefix, leaseMs: LEASE_MS }).acquire(key);
      client.disconnect();
    },
    close: async () => {
      for (const c of clients) c.disconnect();
    },
  };
});

describe('RedisKeyedLock on Redis', () => {
  it('renews a lease while it is held, so a turn longer than the lease keeps the key', async () => {
    const [c1, c2] = [new Redis(redis.url), new Redis(redis.url)];
    try {
      const keyPrefix = `t${randomUUID()}:`;
      const holder = new RedisKeyedLock({ client: c1, keyPrefix, leaseMs: 1000, renewEveryMs: 100 });
      const other = new RedisKeyedLock({ client: c2, keyPrefix, leaseMs: 1000 });
      const lease = await holder.acquire('k');
      await new Promise((r) => setTimeout(r, 2500)); // 2.5 leases
      expect(await other.tryAcquire('k')).toBeUndefined();
      expect(lease.signal.aborted).toBe(false);
      expect(await lease.release()).toBe(true);
      expect(await admin.exists(holder.redisKey('k'))).toBe(0);
    } finally {
      c1.disconnect();
      c2.disconnect();
    }
  });

  it('tells a holder whose lease expired (frozen, not renewing) through its signal, and its late release frees nobody', async () => {
    const [c1, c2] = [new Redis(redis.url), new Redis(redis.url)];
    try {
      const keyPrefix = `t${randomUUID()}:`;
      const frozen = new RedisKeyedLock({ client: c1, keyPrefix, leaseMs: 300, renewEveryMs: 0 });
      const next = new RedisKeyedLock({ client: c2, keyPrefix, leaseMs: 10_000 });
      const stale = await frozen.acquire('k');
      const current = await next.acquire('k'); // waits out the 300 ms lease
      expect(await stale.release()).toBe(false);
      expect(await admin.get(next.redisKey('k'))).not.toBeNull();
      await current.release();

      // With renewals on, a lease taken away (here: deleted by an operator) aborts the holder's signal.
      const renewing = new RedisKeyedLock({ client: c1, keyPrefix, leaseMs: 600, renewEveryMs: 50 });
      const lease = await renewing.acquire('j');
      await admin.del(renewing.redisKey('j'));
      await expect.poll(() => lease.signal.aborted, { timeout: 5000 }).toBe(true);
      expect(lease.signal.reason).toBeInstanceOf(LockLostError);
    } finally {
      c1.disconnect();
      c2.disconnect();
    }
  });

  it('gives up waiting with LockTimeoutError after acquireTimeoutMs', async () => {
    const [c1, c2] = [new Redis(redis.url), new Redis(redis.url)];
    try {
      const keyPrefix = `t${randomUUID()}:`;
      const holder = await new RedisKeyedLock({ client: c1, keyPrefix }).acquire('k');
      const err = await new RedisKeyedLock({ client: c2, keyPrefix, acquireTimeoutMs: 200 }).acquire('k').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockTimeoutError);
      expect(err).toMatchObject({ key: 'k' });
      await holder.release();
    } finally {
      c1.disconnect();
      c2.disconnect();
    }
  });
});

describe('TurnLockMiddleware on Redis', () => {
  it('runs 20 concurrent turns of one conversation, alternately on two instances (own connections), one at a time: all count', async () => {
    const keyPrefix = `t${randomUUID()}:`;
    const clients = [new Redis(redis.url), new Redis(redis.url)];
    try {
      const instances = clients.map((client) => ({
        storage: new RedisStorage({ client, keyPrefix, ttlMs: 60_000 }),
        middleware: new TurnLockMiddleware(new RedisKeyedLock({ client, keyPrefix })),
      }));
      expect(await concurrentCounterTurns(instances, 20)).toBe(20);
      expect(await admin.keys(`${keyPrefix}lock:*`)).toEqual([]);
    } finally {
      for (const c of clients) c.disconnect();
    }
  });
});
