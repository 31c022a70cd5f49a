import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBus } from '../../bot/redis/redisBus.js';
import { VersionedReload } from '../../bot/redis/versionedReload.js';
import { startCuttableRedis, type CuttableRedis } from './cuttableRedis.js';

/** VersionedReload on a private redis-server: two "instances" (a client and a bus each), B as the Redis user the test can cut off. */
let server: CuttableRedis;
let admin: Redis;
const opened: Array<{ close(): void }> = [];
let prefixes = 0;
beforeAll(async () => {
  server = await startCuttableRedis();
  admin = server.admin;
});
afterAll(async () => {
  for (const o of opened) o.close();
  await server?.stop();
});

async function instance(
  keyPrefix: string,
  checkEveryMs: number,
  url = server.redis.url,
): Promise<{ reloads: VersionedReload; made: number[]; bus: RedisBus; client: Redis; reload: () => Promise<number> }> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  const bus = new RedisBus(client, keyPrefix);
  const reloads = await VersionedReload.open({ client, keyPrefix, bus, name: 'reload', checkEveryMs });
  const made: number[] = [];
  const reload = async (): Promise<number> => {
    made.push(Number(await client.get(`${keyPrefix}version:reload`)));
    return made.length;
  };
  await reloads.follow(reload);
  opened.push(reloads, bus, { close: () => client.disconnect() });
  return { reloads, made, bus, client, reload };
}

/** One not yet following, for a test's own reload function. */
async function unfollowed(keyPrefix: string): Promise<VersionedReload> {
  const client = new Redis(server.redis.url);
  const bus = new RedisBus(client, keyPrefix);
  opened.push(bus, { close: () => client.disconnect() });
  return VersionedReload.open({ client, keyPrefix, bus, name: 'reload', checkEveryMs: 3_600_000 });
}

describe('VersionedReload', () => {
  it('catches up on its slow timer while its subscriber is still cut off', async () => {
    const prefix = `timer${prefixes++}:`;
    const a = await instance(prefix, 3_600_000);
    const b = await instance(prefix, 100, server.cutOffUrl);
    try {
      expect(await server.cutOff()).toBe(1);
      expect(await a.reloads.announce(a.reload)).toBe(1);
      expect(a.reloads.loaded).toBe(1);
      await expect.poll(() => b.reloads.loaded, { timeout: 10_000 }).toBe(1);
      expect(b.made).toEqual([1]);
    } finally {
      await server.letBack();
    }
  });

  it('reloads on the doorbell, once per reload, and not at all when it is up to date', async () => {
    const prefix = `bell${prefixes++}:`;
    const a = await instance(prefix, 3_600_000);
    const b = await instance(prefix, 3_600_000);
    await a.reloads.announce(a.reload);
    await expect.poll(() => b.made, { timeout: 10_000 }).toEqual([1]);
    await b.reloads.check();
    await a.reloads.check();
    expect(b.made).toEqual([1]);
    expect(a.made).toEqual([1]);
  });

  it('starts at the number in Redis, so an instance started after a reload does not make it again', async () => {
    const prefix = `start${prefixes++}:`;
    await admin.set(`${prefix}version:reload`, '4');
    const late = await instance(prefix, 3_600_000);
    expect(late.reloads.loaded).toBe(4);
    await late.reloads.check();
    expect(late.made).toEqual([]);
  });

  it('reloads when Redis counts fewer reloads than it made (Redis lost its data, and the examples with it)', async () => {
    const prefix = `lost${prefixes++}:`;
    const a = await instance(prefix, 3_600_000);
    await a.reloads.announce(a.reload);
    await a.reloads.announce(a.reload);
    expect(a.reloads.loaded).toBe(2);
    await admin.del(`${prefix}version:reload`);
    await a.reloads.check();
    expect(a.made).toEqual([1, 2, 0]);
    expect(a.reloads.loaded).toBe(0);
  });

  it('runs one reload at a time, so an older one never finishes after a newer one', async () => {
    const prefix = `serial${prefixes++}:`;
    const reloads = await unfollowed(prefix);
    let running = 0;
    let most = 0;
    const reload = async (): Promise<void> => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    };
    await reloads.follow(reload);
    await admin.incr(`${prefix}version:reload`);
    await Promise.all([reloads.announce(reload), reloads.check(), reloads.announce(reload), reloads.check()]);
    expect(most).toBe(1);
    expect(reloads.loaded).toBe(3);
  });

  it('tries a failed reload again at the next check', async () => {
    const prefix = `retry${prefixes++}:`;
    const reloads = await unfollowed(prefix);
    let attempts = 0;
    await reloads.follow(async () => {
      attempts++;
      if (attempts === 1) throw new Error('examples unreadable');
    });
    await admin.incr(`${prefix}version:reload`);
    await reloads.check();
    expect(reloads.loaded).toBe(0);
    await reloads.check();
    expect(reloads.loaded).toBe(1);
    expect(attempts).toBe(2);
  });

  it('refuses a check period that is not a positive whole number of ms', async () => {
    const bus = new RedisBus(admin, 'bad:');
    opened.push(bus);
    for (const checkEveryMs of [0, -1, 1.5, Number.NaN]) {
      await expect(VersionedReload.open({ client: admin, keyPrefix: 'bad:', bus, name: 'reload', checkEveryMs })).rejects.toThrow(RangeError);
    }
  });
});
