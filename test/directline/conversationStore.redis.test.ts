import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisConversationStore } from '../../bot/directline/redisConversationStore.js';
import type { MemoryConversationStoreOptions } from '../../bot/directline/conversationStore.js';
import { useRedisServer } from '../support/useRedisServer.js';
import { conversationStoreContract } from './conversationStoreContract.js';

const redis = useRedisServer();

// Every test its own key prefix on the one server; every client its own connection, as another instance.
conversationStoreContract('RedisConversationStore', async () => {
  const keyPrefix = `t${randomUUID()}:`;
  const made: Array<{ client: Redis; store: RedisConversationStore }> = [];
  let options: MemoryConversationStoreOptions | undefined;
  return {
    client: async (o) => {
      options ??= o ?? {};
      const client = new Redis(redis.url);
      const store = new RedisConversationStore({ client, keyPrefix, ...options });
      made.push({ client, store });
      return store;
    },
    close: async () => {
      for (const m of made) {
        await m.store.close();
        m.client.disconnect();
      }
    },
  };
});

describe('RedisConversationStore on Redis', () => {
  it('keeps its keys under <prefix>dl:, each with a TTL, and gives every byte back when a conversation goes', async () => {
    const client = new Redis(redis.url);
    try {
      const store = new RedisConversationStore({ client, keyPrefix: 'svc:', idleTtlMs: 60_000 });
      const c = await store.create();
      await store.append(c.id, { type: 'message', text: '你好' });
      const keys = (await client.keys('svc:*')).sort();
      expect(keys).toEqual(['svc:dl:active', `svc:dl:c:${c.id}`, `svc:dl:i:${c.id}`, `svc:dl:l:${c.id}`, 'svc:dl:sizes', 'svc:dl:total']);
      for (const k of keys.filter((k) => k.includes(c.id))) expect(await client.pttl(k)).toBeGreaterThan(60_000);
      await store.delete(c.id);
      expect(await client.get('svc:dl:total')).toBe('0');
      expect(await client.zcard('svc:dl:active')).toBe(0);
    } finally {
      client.disconnect();
    }
  });

  it('rings every watcher once its doorbell connection is back after an outage (what was appended meanwhile rang nothing)', async () => {
    const client = new Redis(redis.url);
    const admin = new Redis(redis.url);
    const store = new RedisConversationStore({ client, keyPrefix: `t${randomUUID()}:` });
    try {
      const c = await store.create();
      let rings = 0;
      const unwatch = await store.watch(c.id, () => rings++);
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub'); // the doorbell connection drops; ioredis reconnects it
      await expect.poll(() => rings, { timeout: 10_000, message: 'the watcher is rung after the reconnect' }).toBeGreaterThan(0);
      // and it hears the next append as before
      const before = rings;
      await store.append(c.id, { type: 'message', text: '回来了' });
      await expect.poll(() => rings, { timeout: 10_000 }).toBeGreaterThan(before);
      unwatch();
    } finally {
      await store.close();
      client.disconnect();
      admin.disconnect();
    }
  });
});
