import { createRequire } from 'node:module';
import { WebSocket as Ws } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_SERVICE_RESTART } from '../../bot/directline/directLineStream.js';
import { call, message, startHarness, type Harness } from './harness.js';
import { openStream, refusedUpgrade, type StreamClient } from './streamClient.js';

let h: Harness;
const open: StreamClient[] = [];
beforeAll(async () => {
  h = await startHarness({ stream: { keepAliveMs: 200, maxSocketsPerConversation: 2 } });
});
afterAll(async () => {
  for (const s of open) s.close();
  await h.close();
});

async function stream(url: string): Promise<StreamClient> {
  const s = await openStream(url);
  open.push(s);
  return s;
}

/** Starts a conversation as directlinejs does with no token: POST /conversations, whose answer carries the streamUrl. */
async function start(): Promise<{ conversationId: string; token: string; streamUrl: string }> {
  const res = await call(h, 'POST', '/conversations');
  expect(res.status).toBe(201);
  return res.body;
}

describe('Direct Line WebSocket stream', () => {
  it('start answers a streamUrl; the socket sends what is in the log, then each reply as it is written, as ActivitySets', async () => {
    const { conversationId, token, streamUrl } = await start();
    const url = new URL(streamUrl);
    expect(url.protocol).toBe('ws:');
    expect(url.pathname).toBe(`/v3/directline/conversations/${conversationId}/stream`);
    expect(url.searchParams.get('t')).toBe(token);

    const s = await stream(streamUrl);
    await expect.poll(() => s.activities().length).toBe(1);
    expect(s.frames[0]).toEqual({ activities: [expect.objectContaining({ text: expect.stringMatching(/^welcome dl_/) })], watermark: '1' });

    const sent = await call(h, 'POST', `/conversations/${conversationId}/activities`, { token, body: message('你好') });
    await expect.poll(() => s.activities().map((a) => a.text)).toEqual([expect.stringMatching(/^welcome/), '你好', 'echo: 你好']);
    expect(s.activities()[2]).toMatchObject({ replyToId: sent.body.id, from: { role: 'bot' } });
    const sets = s.frames.filter((f) => f !== '');
    expect(sets.at(-1)).toMatchObject({ watermark: '3' });
  });

  it('reconnect: GET conversations/{id}?watermark=W answers a new streamUrl from W on; nothing before W comes again', async () => {
    const { conversationId, token, streamUrl } = await start();
    const first = await stream(streamUrl);
    await call(h, 'POST', `/conversations/${conversationId}/activities`, { token, body: message('第一') });
    await expect.poll(() => first.activities().length).toBe(3);
    const watermark = (first.frames.filter((f) => f !== '').at(-1) as { watermark: string }).watermark;
    first.close();
    await first.closed;
    // Said while the page was away: it must arrive once on the new socket.
    await call(h, 'POST', `/conversations/${conversationId}/activities`, { token, body: message('第二') });

    const again = await call(h, 'GET', `/conversations/${conversationId}?watermark=${watermark}`, { token });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ conversationId, token });
    expect(new URL(again.body.streamUrl).searchParams.get('watermark')).toBe(watermark);
    const second = await stream(again.body.streamUrl);
    await expect.poll(() => second.activities().map((a) => a.text)).toEqual(['第二', 'echo: 第二']);
    await call(h, 'POST', `/conversations/${conversationId}/activities`, { token, body: message('第三') });
    await expect.poll(() => second.activities().map((a) => a.text)).toEqual(['第二', 'echo: 第二', '第三', 'echo: 第三']);
    const ids = [...first.activities(), ...second.activities()].map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await call(h, 'GET', `/conversations/${conversationId}?watermark=x`, { token })).status).toBe(400);
  });

  it('sends empty keep-alive messages', async () => {
    const { streamUrl } = await start();
    const s = await stream(streamUrl);
    await expect.poll(() => s.frames.filter((f) => f === '').length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
  });

  it('refuses an upgrade without a valid token for that conversation, with the Direct Line error JSON', async () => {
    const a = await start();
    const b = await start();
    const bare = new URL(a.streamUrl);
    bare.searchParams.delete('t');
    expect(await refusedUpgrade(bare.toString())).toEqual({ status: 401, body: { error: { code: 'Unauthorized', message: expect.any(String) } } });
    const forged = new URL(a.streamUrl);
    forged.searchParams.set('t', `${a.token.slice(0, -3)}abc`);
    expect((await refusedUpgrade(forged.toString())).status).toBe(401);
    const crossed = new URL(a.streamUrl);
    crossed.searchParams.set('t', b.token);
    expect(await refusedUpgrade(crossed.toString())).toMatchObject({ status: 403, body: { error: { code: 'Forbidden' } } });
    const badWatermark = new URL(a.streamUrl);
    badWatermark.searchParams.set('watermark', '-1');
    expect((await refusedUpgrade(badWatermark.toString())).status).toBe(400);
    expect((await refusedUpgrade(`${h.url.replace('http', 'ws')}/elsewhere`)).status).toBe(404);
    await h.store.delete(a.conversationId);
    expect((await refusedUpgrade(a.streamUrl)).status).toBe(404);
  });

  it('holds at most maxSocketsPerConversation sockets per conversation: a newer one closes the oldest', async () => {
    const { streamUrl } = await start();
    const first = await stream(streamUrl);
    await stream(streamUrl);
    await stream(streamUrl);
    expect((await first.closed).code).toBe(1008);
  });

  it('the keep-alive reads nothing from the store (issue 13 §5: one read per socket per tick was ~670 Redis reads a second at 10,000 sockets)', async () => {
    const { conversationId, token, streamUrl } = await start();
    const s = await stream(streamUrl);
    await expect.poll(() => s.activities().length).toBe(1);
    const store = h.store;
    const read = store.activitiesAfter.bind(store);
    let reads = 0;
    store.activitiesAfter = (...args) => {
      reads++;
      return read(...args);
    };
    try {
      const keepAlives = () => s.frames.filter((f) => f === '').length;
      const before = keepAlives();
      await expect.poll(keepAlives, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 3); // three ticks (every 200 ms here)
      expect(reads).toBe(0);
      // A reply still comes at once: the doorbell, not the tick, makes the socket read.
      await call(h, 'POST', `/conversations/${conversationId}/activities`, { token, body: message('还在吗') });
      await expect.poll(() => s.activities().map((a) => a.text)).toContain('echo: 还在吗');
      expect(reads).toBeGreaterThan(0);
    } finally {
      store.activitiesAfter = read;
    }
  });
});

describe('botframework-directlinejs with webSocket: true (what Web Chat does)', () => {
  const require = createRequire(import.meta.url);
  const globals = globalThis as Record<string, unknown>;
  const saved = { XMLHttpRequest: globals.XMLHttpRequest, WebSocket: globals.WebSocket };
  /** every socket the client opens, seen at the WebSocket it is given (not read from its private fields) */
  const opened: string[] = [];
  beforeAll(() => {
    globals.XMLHttpRequest = require('xhr2');
    globals.WebSocket = class RecordingWebSocket extends Ws {
      constructor(...args: ConstructorParameters<typeof Ws>) {
        super(...args);
        opened.push(String(args[0]));
      }
    };
  });
  afterAll(() => {
    globals.XMLHttpRequest = saved.XMLHttpRequest;
    globals.WebSocket = saved.WebSocket;
  });

  it('streams the welcome and the reply, with the token user as from.id', async () => {
    const { DirectLine } = require('botframework-directlinejs') as typeof import('botframework-directlinejs');
    const generated = await call(h, 'POST', '/tokens/generate');
    const client = new DirectLine({ domain: h.url, webSocket: true, token: generated.body.token, timeout: 5000 });
    const activities: Array<Record<string, any>> = [];
    const subscription = client.activity$.subscribe((a) => activities.push(a as Record<string, any>));
    try {
      await expect.poll(() => activities.some((a) => String(a.text).startsWith('welcome '))).toBe(true);
      expect(opened).toContainEqual(expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\/[^/]+\/stream\?/));
      const id = await new Promise<string>((resolve, reject) =>
        client.postActivity({ type: 'message', from: { id: 'someone-else' }, text: 'hi' } as never).subscribe({ next: resolve, error: reject }),
      );
      await expect.poll(() => activities.find((a) => a.replyToId === id)?.text).toBe('echo: hi');
    } finally {
      subscription.unsubscribe();
      client.end();
    }
  });

  it('on close() every socket gets 1012 Service Restart, and new upgrades are refused with 503', async () => {
    const own = await startHarness({ stream: {} });
    try {
      const res = await call(own, 'POST', '/conversations');
      const s = await openStream(res.body.streamUrl);
      await own.stream!.close();
      expect((await s.closed).code).toBe(CLOSE_SERVICE_RESTART);
      expect((await refusedUpgrade(res.body.streamUrl)).status).toBe(503);
    } finally {
      await own.close();
    }
  });
});
