import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveService, type LiveService } from '../support/liveService.js';
import { startRedisServer, type TestRedis } from '../support/redisServer.js';
import { openStream, type StreamClient } from './streamClient.js';

/** Two real instances of the whole service on one private Redis, sharing DIRECTLINE_SECRET. */
const SECRET = 'two-instances-secret-two-instances-0123456789';
let redis: TestRedis;
let a: LiveService;
let b: LiveService;
const sockets: StreamClient[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'dl2:', DIRECTLINE_SECRET: SECRET };
  [a, b] = await Promise.all([startLiveService(env, 'warn'), startLiveService(env, 'warn')]);
}, 120_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all([a?.close(), b?.close()]);
  await redis?.stop();
});

type Json = Record<string, any>;

async function dl(base: string, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}/v3/directline${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** The whole transcript, page by page, as a poller reads it. */
async function transcript(base: string, conversationId: string, token: string): Promise<Json[]> {
  const all: Json[] = [];
  let watermark = '';
  for (let page = 0; page < 50; page++) {
    const got = await dl(base, 'GET', `/conversations/${conversationId}/activities?watermark=${watermark}`, token);
    if (got.body.activities.length === 0) return all;
    all.push(...got.body.activities);
    watermark = got.body.watermark;
  }
  throw new Error('transcript longer than 50 pages');
}

describe('Direct Line on two instances sharing Redis', () => {
  it('a WebSocket held by instance B receives what was posted to instance A', async () => {
    const started = await dl(a.base, 'POST', '/conversations');
    expect(started.status).toBe(201);
    const { conversationId, token } = started.body;
    const welcome = await dl(a.base, 'GET', `/conversations/${conversationId}/activities`, token);
    // The page reconnects through B (GET conversation?watermark=): B's own streamUrl, from where it had read.
    const again = await dl(b.base, 'GET', `/conversations/${conversationId}?watermark=${welcome.body.watermark}`, token);
    expect(again.status).toBe(200);
    expect(again.body.streamUrl).toContain(new URL(b.base).host);
    const onB = await openStream(again.body.streamUrl);
    sockets.push(onB);

    const posted = await dl(a.base, 'POST', `/conversations/${conversationId}/activities`, token, { type: 'message', from: { id: 'x' }, text: '转人工' });
    expect(posted.status).toBe(200);
    await expect.poll(() => onB.activities().find((x) => x.replyToId === posted.body.id)?.channelData?.messageKey, { timeout: 10_000 }).toBe('humanNeedsPlace');
    expect(onB.activities()[0]).toMatchObject({ id: posted.body.id, text: '转人工' }); // from the watermark on: the welcome is not sent again
  });

  it('20 concurrent posts to one conversation across both: every one answered, each once in the transcript, no watermark repeated', async () => {
    const started = await dl(b.base, 'POST', '/conversations');
    const { conversationId, token } = started.body;
    const texts = Array.from({ length: 20 }, (_, i) => `帮助 ${i + 1}`);
    const posts = await Promise.all(
      texts.map((text, i) =>
        dl(i % 2 === 0 ? a.base : b.base, 'POST', `/conversations/${conversationId}/activities`, token, { type: 'message', from: { id: 'x' }, text }),
      ),
    );
    expect(posts.map((p) => p.status)).toEqual(texts.map(() => 200));

    const all = await transcript(a.base, conversationId, token);
    const fromUser = all.filter((x) => x.from?.role === 'user');
    expect(fromUser.map((x) => x.text).sort()).toEqual([...texts].sort()); // each once
    for (const p of posts) expect(all.filter((x) => x.replyToId === p.body.id).length).toBeGreaterThan(0); // each answered
    // Positions: one per activity, strictly increasing along the transcript, and the same read through B.
    const positions = all.map((x) => Number(String(x.id).split('|')[1]));
    expect(new Set(positions).size).toBe(positions.length);
    expect([...positions].sort((p, q) => p - q)).toEqual(positions);
    expect((await transcript(b.base, conversationId, token)).map((x) => x.id)).toEqual(all.map((x) => x.id));
  }, 120_000);
});
