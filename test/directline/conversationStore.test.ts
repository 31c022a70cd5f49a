import { describe, expect, it } from 'vitest';
import { ActivityTooLargeError } from '../../bot/directline/activityTooLargeError.js';
import { loadConfig } from '../../bot/config/config.js';
import { DEFAULT_STORE_LIMITS, MemoryConversationStore } from '../../bot/directline/conversationStore.js';
import { ConversationsFullError } from '../../bot/directline/conversationsFullError.js';

const msg = (text: string) => ({ type: 'message', text });

describe('MemoryConversationStore', () => {
  it('assigns padded ids in order and pages after a watermark', async () => {
    const store = new MemoryConversationStore();
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
  });

  it('hands out copies: callers cannot change the log', async () => {
    const store = new MemoryConversationStore();
    const c = await store.create();
    const input = { type: 'message', channelData: { n: 1 } };
    const stored = await store.append(c.id, input);
    input.channelData.n = 2;
    (stored!.channelData as { n: number }).n = 3;
    const page = await store.activitiesAfter(c.id, 0, 10);
    expect(page?.activities[0]?.channelData).toEqual({ n: 1 });
  });

  it('drops the oldest activities beyond the cap; positions keep counting', async () => {
    const store = new MemoryConversationStore({ maxActivitiesPerConversation: 3 });
    const c = await store.create();
    for (const t of ['1', '2', '3', '4', '5']) await store.append(c.id, msg(t));
    const page = await store.activitiesAfter(c.id, 0, 10);
    expect(page?.activities.map((x) => x.text)).toEqual(['3', '4', '5']);
    expect(page?.watermark).toBe(5);
  });

  it('replaces an activity by id (moving it to the end so pollers see it) and deletes by id', async () => {
    const store = new MemoryConversationStore();
    const c = await store.create();
    const a = await store.append(c.id, msg('a'));
    await store.append(c.id, msg('b'));
    const updated = await store.replaceActivity(c.id, { id: a!.id, text: 'a2' });
    expect(updated).toMatchObject({ id: a!.id, type: 'message', text: 'a2' });
    const after = await store.activitiesAfter(c.id, 2, 10);
    expect(after).toEqual({ activities: [updated], watermark: 3 });
    expect(await store.replaceActivity(c.id, { id: 'missing' })).toBeUndefined();
    expect(await store.deleteActivity(c.id, a!.id)).toBe(true);
    expect(await store.deleteActivity(c.id, a!.id)).toBe(false);
    expect((await store.activitiesAfter(c.id, 0, 10))?.activities.map((x) => x.text)).toEqual(['b']);
  });

  it('markStarted is true once', async () => {
    const store = new MemoryConversationStore();
    const c = await store.create();
    expect(c.started).toBe(false);
    expect(await Promise.all([store.markStarted(c.id), store.markStarted(c.id)])).toEqual([true, false]);
    expect((await store.get(c.id))?.started).toBe(true);
    expect(await store.markStarted('nope')).toBe(false);
  });

  it('refuses a new conversation at maxConversations rather than dropping a live one, until one idles out', async () => {
    let now = 0;
    const store = new MemoryConversationStore({ maxConversations: 2, idleTtlMs: 1000, now: () => now });
    const a = await store.create();
    now = 100;
    const b = await store.create();
    now = 400;
    const refused = await store.create().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConversationsFullError);
    expect(refused).toMatchObject({ limit: 2, retryAfterMs: 600, retryAfterSeconds: 1 }); // a expires at 1000
    expect(await store.get(a.id)).toBeDefined(); // touching a: b is now the oldest
    expect(await store.get(b.id)).toBeDefined();
    now = 1100;
    await expect(store.create()).rejects.toMatchObject({ retryAfterMs: 300 }); // a and b, touched at 400, expire at 1400
    now = 1400;
    const c = await store.create(); // b idled out; a (touched at 400) too
    expect(await store.get(c.id)).toBeDefined();
    expect(store.size).toBe(1);
  });

  it('keeps each log within its byte budget, dropping its own oldest; refuses one activity bigger than a whole log', async () => {
    const store = new MemoryConversationStore({ maxBytesPerConversation: 1000, maxTotalBytes: 100_000 });
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
    const store = new MemoryConversationStore({ maxBytesPerConversation: 4000, maxTotalBytes: 6000 });
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
    // Deleting gives the bytes back.
    await store.delete(hogs[0]!.id);
    expect((await store.usage()).bytes).toBeLessThan(usage.bytes);
  });

  it('forgets conversations idle for idleTtlMs; reading or writing keeps one alive', async () => {
    let now = 0;
    const store = new MemoryConversationStore({ idleTtlMs: 1000, now: () => now });
    const idle = await store.create();
    const busy = await store.create();
    now = 600;
    await store.activitiesAfter(busy.id, 0, 10);
    now = 1000;
    expect(await store.get(idle.id)).toBeUndefined();
    expect(await store.get(busy.id)).toBeDefined();
    now = 1999;
    expect(await store.append(busy.id, msg('x'))).toBeDefined();
    now = 5000;
    const fresh = await store.create(); // sweeps the rest
    expect(store.size).toBe(1);
    expect(await store.get(fresh.id)).toBeDefined();
    expect(await store.sweep(10_000)).toBe(1);
  });

  it('the configuration\'s defaults are the store\'s, and a conversation budget beyond the total stops start-up', () => {
    const { pollsPerSecond, maxSockets: _sockets, socketsPerConversation: _perConversation, ...store } = loadConfig({}).directLine;
    const { maxActivitiesPerConversation: _notConfigurable, ...limits } = DEFAULT_STORE_LIMITS;
    expect(store).toEqual(limits);
    expect(pollsPerSecond).toBe(5);
    expect(loadConfig({ DIRECTLINE_CONVERSATION_MAX_KB: '16', DIRECTLINE_TOTAL_MAX_MB: '0.5' }).directLine).toMatchObject({ maxBytesPerConversation: 16 * 1024, maxTotalBytes: 512 * 1024 });
    expect(() => loadConfig({ DIRECTLINE_CONVERSATION_MAX_KB: '2048', DIRECTLINE_TOTAL_MAX_MB: '1' })).toThrow(/DIRECTLINE_CONVERSATION_MAX_KB/);
    expect(() => loadConfig({ DIRECTLINE_MAX_CONVERSATIONS: '0' })).toThrow(/DIRECTLINE_MAX_CONVERSATIONS/);
  });

  it('refuses nonsense limits', () => {
    expect(() => new MemoryConversationStore({ maxConversations: 0 })).toThrow(/maxConversations/);
    expect(() => new MemoryConversationStore({ idleTtlMs: Number.NaN })).toThrow(/idleTtlMs/);
    expect(() => new MemoryConversationStore({ maxBytesPerConversation: 2000, maxTotalBytes: 1000 })).toThrow(/maxTotalBytes/);
  });
});
