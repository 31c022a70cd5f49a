import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisLearnedExamples } from '../../bot/feedback/redisLearnedExamples.js';
import { RedisReviewLog } from '../../bot/feedback/redisReviewLog.js';
import { RedisBus } from '../../bot/redis/redisBus.js';
import { RedisStaffSessionStore } from '../../bot/server/redisStaffSessionStore.js';
import { RedisReplayGuard } from '../../bot/wechat/redisReplayGuard.js';
import { RedisWeChatSessions } from '../../bot/wechat/redisWeChatSessions.js';
import { ReplayPendingError } from '../../bot/wechat/replayPendingError.js';
import { useRedisServer } from '../support/useRedisServer.js';
import { replayStoreContract } from './replayStoreContract.js';
import { reviewStoreContract, type ReviewFixture } from './reviewStoreContract.js';
import { staffSessionContract } from './staffSessionContract.js';
import { wechatSessionContract } from './wechatSessionContract.js';

type ReviewFixtureSide = ReviewFixture['a'];

// The Redis drivers: every fixture its own key prefix on one private server, every "instance" its own connection.
const redis = useRedisServer();

function instances(): { keyPrefix: string; connect(): Redis; close(): Promise<void> } {
  const keyPrefix = `t${randomUUID()}:`;
  const clients: Redis[] = [];
  return {
    keyPrefix,
    connect: () => {
      const client = new Redis(redis.url);
      clients.push(client);
      return client;
    },
    close: async () => {
      for (const c of clients) c.disconnect();
    },
  };
}

staffSessionContract('RedisStaffSessionStore', async () => {
  const i = instances();
  const open = (): RedisStaffSessionStore => new RedisStaffSessionStore({ client: i.connect(), keyPrefix: i.keyPrefix });
  return { store: open(), other: async () => open(), close: i.close };
});

replayStoreContract('RedisReplayGuard', async () => {
  const i = instances();
  const open = (): RedisReplayGuard<string> => new RedisReplayGuard<string>({ client: i.connect(), keyPrefix: i.keyPrefix, ttlMs: 60_000 });
  return { a: open(), b: open(), close: i.close };
});

wechatSessionContract('RedisWeChatSessions', async () => {
  const i = instances();
  const open = (): RedisWeChatSessions => new RedisWeChatSessions({ client: i.connect(), keyPrefix: i.keyPrefix, ttlMs: 60_000 });
  return { store: open(), other: async () => open(), close: i.close };
});

reviewStoreContract('RedisReviewLog and RedisLearnedExamples', async (now) => {
  const i = instances();
  const buses: RedisBus[] = [];
  const open = async (): Promise<ReviewFixtureSide> => {
    const client = i.connect();
    const bus = new RedisBus(client, i.keyPrefix);
    buses.push(bus);
    return {
      log: await RedisReviewLog.open({ client, keyPrefix: i.keyPrefix, url: redis.url, retentionMs: 30 * 86_400_000, bus, now }),
      learned: new RedisLearnedExamples({ client, keyPrefix: i.keyPrefix, now }),
    };
  };
  const [a, b] = [await open(), await open()];
  return {
    a,
    b,
    close: async () => {
      for (const bus of buses) bus.close();
      await i.close();
    },
  };
});

describe('RedisReplayGuard on Redis', () => {
  it('a copy that waits longer than its bound for the first answer gets ReplayPendingError (the router answers success), and the first still answers', async () => {
    const i = instances();
    try {
      const a = new RedisReplayGuard<string>({ client: i.connect(), keyPrefix: i.keyPrefix, ttlMs: 60_000 });
      const b = new RedisReplayGuard<string>({ client: i.connect(), keyPrefix: i.keyPrefix, ttlMs: 60_000, waitMs: 200 });
      let release!: () => void;
      const first = a.run('slow', () => new Promise<string>((r) => (release = () => r('late answer'))));
      await expect.poll(() => release !== undefined, { timeout: 5000 }).toBe(true);
      await expect(b.run('slow', async () => 'second run')).rejects.toBeInstanceOf(ReplayPendingError);
      release();
      expect(await first).toEqual({ value: 'late answer', repeated: false });
      expect(await b.run('slow', async () => 'second run')).toEqual({ value: 'late answer', repeated: true });
    } finally {
      await i.close();
    }
  });
});
