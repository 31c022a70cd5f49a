import type { Storage } from 'botbuilder';
import { ConversationState, TestAdapter } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageConflictError } from '../../bot/storage/storageConflictError.js';

/** One driver's storage under test, set up fresh for every test. */
export interface StorageFixture {
  /** TTL the storages were made with (ms) */
  ttlMs: number;
  /**
   * A client of the shared data. For a driver that several processes share (Redis) every call
   * gives a new client with its own connection, as another instance would have; an embedded
   * driver (one process per DATA_DIR) gives its one storage.
   */
  client(): Promise<Storage>;
  /** Makes `key` look `ms` older, as if nobody had touched it for that long. */
  age(key: string, ms: number): Promise<void>;
  close(): Promise<void>;
}

const ODD_KEYS = [
  '',
  '__proto__',
  'constructor',
  'directline/conversations/abc/',
  'emulator/users/../../x',
  'a\\b?*[x]{y}',
  'KEY',
  'key',
  '措美县 ཀུན་དགའ\n\t',
  'x'.repeat(1000),
];

/** The behaviour every Storage driver of the service must have; run once per driver. */
export function storageContract(driver: string, setup: () => Promise<StorageFixture>): void {
  describe(`Storage contract: ${driver}`, () => {
    let fx: StorageFixture;
    let storage: Storage;
    beforeEach(async () => {
      fx = await setup();
      storage = await fx.client();
    });
    afterEach(async () => {
      await fx.close();
    });

    it('round-trips an item with a new eTag, omits missing keys and hands out copies', async () => {
      expect(await storage.read(['k'])).toEqual({});
      await storage.write({ k: { topic: '异地就医', nested: { list: [1, 2] } } });
      const items = await storage.read(['k', 'missing']);
      expect(Object.keys(items)).toEqual(['k']);
      expect(items.k).toMatchObject({ topic: '异地就医', nested: { list: [1, 2] } });
      expect(typeof items.k.eTag).toBe('string');
      items.k.nested.list.push(3);
      expect((await storage.read(['k'])).k.nested.list).toEqual([1, 2]);
      // another client (instance) sees the same item and eTag
      const other = await fx.client();
      expect((await other.read(['k'])).k).toEqual({ ...items.k, nested: { list: [1, 2] } });
    });

    it('rejects a write whose eTag is no longer the stored one, with StorageConflictError, and keeps the stored item', async () => {
      await storage.write({ k: { n: 0 } });
      const first = (await storage.read(['k'])).k;
      await storage.write({ k: { ...first, n: 1 } });
      const second = (await storage.read(['k'])).k;
      expect(second.eTag).not.toBe(first.eTag);

      const err = await storage.write({ k: { ...first, n: 2 } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageConflictError);
      expect(err).toMatchObject({ key: 'k', expectedETag: first.eTag, actualETag: second.eTag });
      expect((await storage.read(['k'])).k).toEqual(second);
    });

    it("overwrites with eTag '*' or no eTag, and accepts an eTag for a key that does not exist", async () => {
      await storage.write({ k: { n: 1 } });
      await storage.write({ k: { n: 2, eTag: '*' } });
      expect((await storage.read(['k'])).k).toMatchObject({ n: 2 });
      await storage.write({ k: { n: 3 } });
      expect((await storage.read(['k'])).k).toMatchObject({ n: 3 });
      await storage.write({ fresh: { n: 1, eTag: 'an-etag-never-stored' } });
      expect((await storage.read(['fresh'])).fresh).toMatchObject({ n: 1 });
    });

    it('writes nothing of a multi-key write when one key conflicts', async () => {
      await storage.write({ a: { n: 1 }, b: { n: 1 } });
      const { a, b } = await storage.read(['a', 'b']);
      await storage.write({ b: { ...b, n: 2 } });
      await expect(storage.write({ a: { ...a, n: 9 }, b: { ...b, n: 9 } })).rejects.toBeInstanceOf(StorageConflictError);
      const after = await storage.read(['a', 'b']);
      expect(after.a).toEqual(a);
      expect(after.b).toMatchObject({ n: 2 });
    });

    it('deletes the keys named, ignores missing ones and leaves the rest', async () => {
      await storage.write({ a: { n: 1 }, b: { n: 2 } });
      await storage.delete(['a', 'never-written']);
      expect(await storage.read(['a', 'b'])).toEqual({ b: expect.objectContaining({ n: 2 }) });
      // a deleted key takes a conditional write like a missing one
      await storage.write({ a: { n: 3, eTag: 'old' } });
      expect((await storage.read(['a'])).a).toMatchObject({ n: 3 });
    });

    it('forgets an item idle longer than the TTL, counts reads as activity, and lets a conditional write land on expired state', async () => {
      await storage.write({ k: { n: 1 } });
      const { eTag } = (await storage.read(['k'])).k;
      // read at 60 % of the TTL twice: 120 % in all, still there because each read renews it
      await fx.age('k', fx.ttlMs * 0.6);
      expect(await storage.read(['k'])).toHaveProperty('k');
      await fx.age('k', fx.ttlMs * 0.6);
      expect(await storage.read(['k'])).toHaveProperty('k');
      await fx.age('k', fx.ttlMs * 1.1);
      expect(await storage.read(['k'])).toEqual({});
      await storage.write({ k: { n: 2, eTag } });
      expect((await storage.read(['k'])).k).toMatchObject({ n: 2 });
    });

    it('lets exactly one of concurrent conditional writers win, whichever client each uses (5 rounds of 8)', async () => {
      const clients = await Promise.all(Array.from({ length: 8 }, () => fx.client()));
      await storage.write({ race: { winner: -1 } });
      for (let round = 0; round < 5; round++) {
        const { eTag } = (await storage.read(['race'])).race;
        const results = await Promise.allSettled(clients.map((c, i) => c.write({ race: { winner: i, round, eTag } })));
        const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        expect(won).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StorageConflictError);
        expect((await storage.read(['race'])).race).toMatchObject({ winner: won[0], round });
      }
    });

    it('stores large values whole (1 MiB of text and 20,000 list entries)', async () => {
      const text = '医保'.repeat(256 * 1024);
      const list = Array.from({ length: 20_000 }, (_, i) => ({ i, s: `第${i}项` }));
      await storage.write({ big: { text, list } });
      const big = (await (await fx.client()).read(['big'])).big;
      expect(big.text).toBe(text);
      expect(big.list).toEqual(list);
    });

    it('keeps keys with odd characters apart, including "", "__proto__" and keys differing only in case', async () => {
      await storage.write(Object.fromEntries(ODD_KEYS.map((key, i) => [key, { i }])));
      const items = await storage.read(ODD_KEYS);
      expect(Object.keys(items).sort()).toEqual([...ODD_KEYS].sort());
      ODD_KEYS.forEach((key, i) => expect(Object.getOwnPropertyDescriptor(items, key)?.value).toMatchObject({ i }));
      await storage.delete(['__proto__', 'KEY']);
      expect(Object.keys(await storage.read(ODD_KEYS)).sort()).toEqual(ODD_KEYS.filter((k) => k !== '__proto__' && k !== 'KEY').sort());
    });

    it('carries ConversationState between two clients, as between two instances', async () => {
      const other = await fx.client();
      const count = async (s: Storage): Promise<number> => {
        const state = new ConversationState(s);
        const turns = state.createProperty<number>('turns');
        let seen = 0;
        const adapter = new TestAdapter(async (context) => {
          seen = ((await turns.get(context, 0)) ?? 0) + 1;
          await turns.set(context, seen);
          await state.saveChanges(context);
        });
        await adapter.send('hi');
        return seen;
      };
      expect(await count(storage)).toBe(1);
      expect(await count(other)).toBe(2);
      expect(await count(storage)).toBe(3);
    });

    it('refuses bad input with a TypeError', async () => {
      await expect(storage.read('k' as unknown as string[])).rejects.toBeInstanceOf(TypeError);
      await expect(storage.write({ k: 'text' } as never)).rejects.toBeInstanceOf(TypeError);
      await expect(storage.delete('k' as unknown as string[])).rejects.toBeInstanceOf(TypeError);
    });
  });
}
