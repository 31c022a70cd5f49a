import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RedisStaffSessionStore } from '../../bot/server/redisStaffSessionStore.js';
import { RedisReplayGuard } from '../../bot/wechat/redisReplayGuard.js';
import { RedisWeChatSessions } from '../../bot/wechat/redisWeChatSessions.js';
import { startRedisServer, type TestRedis } from '../support/redisServer.js';
import { replayStoreContract } from './replayStoreContract.js';
import { staffSessionContract } from './staffSessionContract.js';
import { wechatSessionContract } from './wechatSessionContract.js';

// The Redis drivers: every fixture its own key prefix on one private server, every "instance" its own connection.
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

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
