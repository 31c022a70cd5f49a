import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActivityTooLargeError } from '../../bot/directline/activityTooLargeError.js';
import type { ConversationStore, MemoryConversationStoreOptions } from '../../bot/directline/conversationStore.js';
import { ConversationsFullError } from '../../bot/directline/conversationsFullError.js';
import { StoredActivityPage } from '../../bot/directline/storedActivityPage.js';

/** One driver's Direct Line store under test, fresh for every test. */
export interface ConversationStoreFixture {
  /**
   * A client of one shared set of conversations made with `options` (the first call decides them):
   * a driver several instances share (Redis) gives a new client with its own connection each call,
   * as another instance would have; the embedded driver its one store.
   */
  client(options?: MemoryConversationStoreOptions): Promise<ConversationStore>;
  close(): Promise<void>;
}

const msg = (text: string) => ({ type: 'message', text });

/** What every ConversationStore driver must do; run once per driver. */
export function conversationStoreContract(driver: string, setup: () => Promise<ConversationStoreFixture>): void {
  describe(`ConversationStore contract: ${driver}`, () => {
    let fx: ConversationStoreFixture;
    beforeEach(async () => {
      fx = await setup();
    });
    afterEach(async () => {
      await fx.close();
    });

    it('assigns padded ids in order and pages after a watermark; another instance reads the same', async () => {
      const store = await fx.client();
      const c = await store.create();
      const a = await store.append(c.id, msg('a'));
      const b = await store.append(c.id, { ...msg('b'), id: 'client-id', timestamp: new Date(0) });
      expect(a?.id).toBe(`${c.id}|0000001`);
      expect(b).toMatchObject({ id: `${c.id}|0000002`, timestamp: '1970-01-01T00:00:00.000Z' });
      expect(await store.activitiesAfter(c.id, 0, 10)).toEqual({ activities: [a, b], watermark: 2 });
      expect(await store.activitiesAfter(c.id, 1, 10)).toEqual({ activities: [b], watermark: 2 });
      expect(await store.activitiesAfter(c.id, 0, 1)).toEqual({ activities: [a], watermark: 1 });
      expect(await store.activitiesAfter(c.id, 2, 10)).toEqual({ activities: [], watermark: 2 });
      expect(await store.append('nope', msg('x'))).toBeUndefined();
      expect(await store.activitiesAfter('nope', 0, 10)).toBeUndefined();
      const other = await fx.client();
      expect(await other.activitiesAfter(c.id, 0, 10)).toEqual({ activities: [a, b], watermark: 2 });
      expect(await other.append(c.id, msg('c'))).toMatchObject({ id: `${c.id}|0000003` });
    });

    it('hands out copies: callers cannot change the log', async () => {
      const store = await fx.client();
      const c = await store.create();
      const input = { type: 'message', channelData: { n: 1 } };
      const stored = await store.append(c.id, input);
      input.channelData.n = 2;
      (stored!.channelData as { n: number }).n = 3;
      expect((await store.activitiesAfter(c.id, 0, 10))?.activities[0]?.channelData).toEqual({ n: 1 });
    });

    it('concurrent appends from several instances get distinct, gap-free positions', async () => {
      const clients = [await fx.client(), await fx.client(), await fx.client()];
      const c = await clients[0]!.create();
      const stored = await Promise.all(Array.from({ length: 30 }, (_, i) => clients[i % 3]!.append(c.id, msg(String(i)))));
      const ids = stored.map((s) => s!.id).sort();
      expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => `${c.id}|${String(i + 1).padStart(7, '0')}`));
      const page = await clients[1]!.activitiesAfter(c.id, 0, 100);
      expect(page?.activities.map((a) => a.text).sort()).toEqual(Array.from({ length: 30 }, (_, i) => String(i)).sort());
      expect(page?.watermark).toBe(30);
    });

    it('drops the oldest activities beyond the cap; positions keep counting', async () => {
      const store = await fx.client({ maxActivitiesPerConversation: 3 });
      const c = await store.create();
      for (const t of ['1', '2', '3', '4', '5']) await store.append(c.id, msg(t));
      const page = await store.activitiesAfter(c.id, 0, 10);
      expect(page?.activities.map((x) => x.text)).toEqual(['3', '4', '5']);
      expect(page?.watermark).toBe(5);
    });

    it('replaces an activity by id (moving it to the end so readers see it) and deletes by id', async () => {
      const store = await fx.client();
      const c = await store.create();
      const a = await store.append(c.id, msg('a'));
      await store.append(c.id, msg('b'));
      const updated = await store.replaceActivity(c.id, { id: a!.id, text: 'a2' });
      expect(updated).toMatchObject({ id: a!.id, type: 'message', text: 'a2' });
      expect(await store.activitiesAfter(c.id, 2, 10)).toEqual({ activities: [updated], watermark: 3 });
      expect(await store.replaceActivity(c.id, { id: 'missing' })).toBeUndefined();
      expect(await store.deleteActivity(c.id, a!.id)).toBe(true);
      expect(await store.deleteActivity(c.id, a!.id)).toBe(false);
      expect((await store.activitiesAfter(c.id, 0, 10))?.activities.map((x) => x.text)).toEqual(['b']);
    });

    it("a page's body (its activities' stored JSON joined) is what serialising the parsed page gives, and follows replacements", async () => {
      const store = await fx.client();
      const c = await store.create();
      const body = async (after: number) => {
        const page = (await store.activitiesAfter(c.id, after, 10))!;
        const text = StoredActivityPage.json(page); // read before `activities`, which parses
        expect(text).toBe(JSON.stringify({ activities: page.activities, watermark: String(page.watermark) }));
        return JSON.parse(text) as { activities: Array<{ text?: string; attachments?: unknown }>; watermark: string };
      };
      expect(await body(0)).toEqual({ activities: [], watermark: '0' });
      const a = await store.append(c.id, { ...msg('引号 "、\\ 和 </script> \u2028'), attachments: [{ n: 1e21, s: '\ud800' }], timestamp: new Date(0) });
      await store.append(c.id, msg('b'));
      expect((await body(0)).activities.map((x) => x.text)).toEqual(['引号 "、\\ 和 </script> \u2028', 'b']);
      await store.replaceActivity(c.id, { id: a!.id, text: 'a2' });
      expect(await body(0)).toMatchObject({ activities: [{ text: 'b' }, { text: 'a2', attachments: [{ n: 1e21, s: '\ud800' }] }], watermark: '3' });
      expect(await body(3)).toEqual({ activities: [], watermark: '3' });
    });

    it('markStarted is true once, across instances', async () => {
      const [one, two] = [await fx.client(), await fx.client()];
      const c = await one.create();
      expect(c.started).toBe(false);
      expect((await Promise.all([one.markStarted(c.id), two.markStarted(c.id)])).sort()).toEqual([false, true]);
      expect((await two.get(c.id))?.started).toBe(true);
      expect(await one.markStarted('nope')).toBe(false);
    });

    it('refuses a new conversation at maxConversations rather than dropping a live one, until one idles out', async () => {
      let now = 1_000_000;
      const store = await fx.client({ maxConversations: 2, idleTtlMs: 1000, now: () => now });
      const a = await store.create();
      now += 100;
      const b = await store.create();
      now += 300;
      const refused = await store.create().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ConversationsFullError);
      expect(refused).toMatchObject({ limit: 2, retryAfterMs: 600, retryAfterSeconds: 1 }); // a expires 1000 after its creation
      expect(await store.get(a.id)).toBeDefined(); // touching a: b is now the oldest
      expect(await store.get(b.id)).toBeDefined();
      now += 700;
      await expect(store.create()).rejects.toMatchObject({ retryAfterMs: 300 });
      now += 300;
      const c = await store.create(); // a and b idled out
      expect(await store.get(c.id)).toBeDefined();
      expect((await store.usage()).conversations).toBe(1);
    });

    it('keeps each log within its byte budget, dropping its own oldest; refuses one activity bigger than a whole log', async () => {
      const store = await fx.client({ maxBytesPerConversation: 1000, maxTotalBytes: 100_000 });
      const c = await store.create();
      for (let i = 0; i < 10; i++) await store.append(c.id, { type: 'message', text: `${i}`.repeat(150) }); // 218 bytes each
      const page = await store.activitiesAfter(c.id, 0, 100);
      expect(page?.activities.map((x) => String(x.text)[0])).toEqual(['6', '7', '8', '9']);
      expect(page?.watermark).toBe(10);
      const bytes = page!.activities.reduce((n, x) => n + Buffer.byteLength(JSON.stringify(x)), 0);
      expect(bytes).toBeLessThanOrEqual(1000);
      expect((await store.usage()).bytes).toBe(bytes);
      await expect(store.append(c.id, { type: 'message', text: 'x'.repeat(1000) })).rejects.toBeInstanceOf(ActivityTooLargeError);
      const big = page!.activities[0]!;
      await expect(store.replaceActivity(c.id, { id: big.id, text: '藏'.repeat(400) })).rejects.toBeInstanceOf(ActivityTooLargeError);
      expect((await store.activitiesAfter(c.id, 0, 100))?.activities.map((x) => x.id)).toEqual(page?.activities.map((x) => x.id)); // nothing lost
    });

    it('keeps all logs within the total: the largest give up their oldest first, a small conversation keeps its history', async () => {
      const store = await fx.client({ maxBytesPerConversation: 4000, maxTotalBytes: 6000 });
      const small = await store.create();
      await store.append(small.id, msg('welcome'));
      await store.append(small.id, msg('你好'));
      const hogs = [await store.create(), await store.create()];
      for (let i = 0; i < 20; i++) for (const h of hogs) await store.append(h.id, { type: 'event', name: 'junk', value: 'x'.repeat(900) });
      const usage = await store.usage();
      expect(usage.bytes).toBeLessThanOrEqual(6000);
      expect(usage.bytes).toBeGreaterThan(5000);
      expect((await store.activitiesAfter(small.id, 0, 10))?.activities.map((x) => x.text)).toEqual(['welcome', '你好']);
      for (const h of hogs) expect((await store.activitiesAfter(h.id, 0, 100))?.activities.length).toBeGreaterThan(0);
      await store.delete(hogs[0]!.id); // deleting gives the bytes back
      expect((await store.usage()).bytes).toBeLessThan(usage.bytes);
      expect(await store.get(hogs[0]!.id)).toBeUndefined();
    });

    it('forgets conversations idle for idleTtlMs; reading or writing keeps one alive; sweep counts the rest', async () => {
      let now = 1_000_000;
      const store = await fx.client({ idleTtlMs: 1000, now: () => now });
      const idle = await store.create();
      const busy = await store.create();
      now += 600;
      await store.activitiesAfter(busy.id, 0, 10);
      now += 400;
      expect(await store.get(idle.id)).toBeUndefined();
      expect(await store.get(busy.id)).toBeDefined();
      now += 999;
      expect(await store.append(busy.id, msg('x'))).toBeDefined();
      const other = await store.create();
      now += 5000;
      expect(await store.sweep()).toBe(2);
      expect(await store.get(other.id)).toBeUndefined();
      expect((await store.usage()).conversations).toBe(0);
    });

    it('rings the doorbell of a conversation on every append, on whichever instance it was made', async () => {
      const [writer, reader] = [await fx.client(), await fx.client()];
      const c = await writer.create();
      const d = await writer.create();
      let rang = 0;
      let other = 0;
      const stop = await reader.watch(c.id, () => rang++);
      const stopOther = await reader.watch(d.id, () => other++);
      await writer.append(c.id, msg('1'));
      await expect.poll(() => rang).toBe(1);
      const first = await writer.append(c.id, msg('2'));
      await writer.replaceActivity(c.id, { id: first!.id, text: '2b' });
      await expect.poll(() => rang).toBe(3);
      stop();
      await writer.append(c.id, msg('3'));
      await writer.append(d.id, msg('to d')); // heard after c's, in order on one connection
      await expect.poll(() => other).toBe(1);
      expect(rang).toBe(3);
      stopOther();
    });
  });
}
