import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, startHarness, tokenUser, type Harness } from './harness.js';

/**
 * The real botframework-directlinejs client (the one Web Chat uses), in Node, polling
 * our endpoint. It expects browser globals: XMLHttpRequest (xhr2) and WebSocket (ws).
 */
const require = createRequire(import.meta.url);
type DirectLineModule = typeof import('botframework-directlinejs');
type DirectLine = InstanceType<DirectLineModule['DirectLine']>;
type ClientActivity = {
  id?: string;
  type: string;
  text?: string;
  replyToId?: string;
  from: { id: string; role?: string };
  channelData?: any;
  conversation?: { id: string };
};

const globals = globalThis as Record<string, unknown>;
const saved = { XMLHttpRequest: globals.XMLHttpRequest, WebSocket: globals.WebSocket };
let dl: DirectLineModule;
let h: Harness;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  globals.XMLHttpRequest = require('xhr2');
  globals.WebSocket = require('ws');
  dl = require('botframework-directlinejs') as DirectLineModule;
  h = await startHarness();
});

afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
  h.clock.offsetMs = 0;
});

afterAll(async () => {
  await h.close();
  globals.XMLHttpRequest = saved.XMLHttpRequest;
  globals.WebSocket = saved.WebSocket;
});

/** A polling client whose activities and statuses are recorded; ended after the test. */
function connect(options: { token?: string; conversationId?: string; watermark?: string } = {}): {
  client: DirectLine;
  activities: ClientActivity[];
  statuses: number[];
  errors: unknown[];
} {
  const client = new dl.DirectLine({ domain: h.url, webSocket: false, pollingInterval: 200, timeout: 5000, ...options });
  const activities: ClientActivity[] = [];
  const statuses: number[] = [];
  const errors: unknown[] = [];
  // activity$ errors with "conversation ended" once the status is Ended (404, or end()); Web Chat handles it too.
  const s1 = client.activity$.subscribe({ next: (a) => activities.push(a as ClientActivity), error: (e: unknown) => errors.push(e) });
  const s2 = client.connectionStatus$.subscribe((s) => statuses.push(s));
  cleanups.push(() => {
    s1.unsubscribe();
    s2.unsubscribe();
    client.end();
  });
  return { client, activities, statuses, errors };
}

async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function post(client: DirectLine, activity: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    client.postActivity(activity as never).subscribe({ next: resolve, error: reject });
  });
}

describe('botframework-directlinejs against our endpoint (polling)', () => {
  it('with a generated token: welcome, then the echo of clientActivityID, then the reply; refresh works', async () => {
    const generated = await call(h, 'POST', '/tokens/generate');
    const { client, activities, statuses } = connect({ token: generated.body.token });

    await waitFor(() => activities.find((a) => a.text?.startsWith('welcome ')), 'the welcome');
    expect(statuses).toEqual(expect.arrayContaining([dl.ConnectionStatus.Connecting, dl.ConnectionStatus.Online]));

    const id = await post(client, {
      type: 'message',
      from: { id: 'user1', name: '卓玛', role: 'user' },
      text: '怎么办理异地就医备案',
      channelData: { clientActivityID: 'web-chat-1' },
      locale: 'zh-CN',
      attachments: [],
    });
    expect(id).toBe(`${generated.body.conversationId}|0000002`);

    // What Web Chat waits for: an incoming activity with its clientActivityID and an id.
    const echo = await waitFor(() => activities.find((a) => a.channelData?.clientActivityID === 'web-chat-1' && a.id), 'the echo');
    expect(echo).toMatchObject({ id, text: '怎么办理异地就医备案', from: { id: tokenUser(generated.body.token), role: 'user' } });
    const reply = await waitFor(() => activities.find((a) => a.replyToId === id), 'the reply');
    expect(reply).toMatchObject({ type: 'message', text: 'echo: 怎么办理异地就医备案', from: { id: 'yibao-bot', role: 'bot' } });
    expect(activities.indexOf(echo)).toBeLessThan(activities.indexOf(reply));

    // The refresh the client's loop makes every 15 minutes, over HTTP as it makes it; the fresh token is handed over through its public reconnect().
    const refreshed = await call(h, 'POST', '/tokens/refresh', { token: generated.body.token });
    expect(refreshed.status).toBe(200);
    const fresh = refreshed.body.token as string;
    expect(fresh).not.toBe(generated.body.token);
    client.reconnect({ conversationId: generated.body.conversationId, token: fresh });
    const id2 = await post(client, { type: 'message', from: { id: 'user1' }, text: 'again', channelData: { clientActivityID: 'web-chat-2' } });
    await waitFor(() => activities.find((a) => a.replyToId === id2 && a.text === 'echo: again'), 'the reply after refresh');
    // Nothing arrived twice.
    const ids = activities.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('without a token (it sends "Bearer undefined"): a public conversation starts and works', async () => {
    const { client, activities } = connect();
    await waitFor(() => activities.find((a) => a.text?.startsWith('welcome ')), 'the welcome');
    const id = await post(client, { type: 'message', from: { id: 'guest' }, text: 'hi', channelData: { clientActivityID: 'x1' } });
    await waitFor(() => activities.find((a) => a.replyToId === id), 'the reply');
    // The post went through only because the client sent the token the start answered with: the same post without one is refused.
    const conversationId = activities.find((a) => a.replyToId === id)!.conversation!.id;
    const bare = await call(h, 'POST', `/conversations/${conversationId}/activities`, { body: { type: 'message', from: { id: 'guest' }, text: 'hi' } });
    expect(bare.status).toBe(401);
  });

  it('an expired token shows as ConnectionStatus.ExpiredToken (403 TokenExpired); reconnect() with a new token resumes', async () => {
    const generated = await call(h, 'POST', '/tokens/generate');
    const { client, activities, statuses } = connect({ token: generated.body.token });
    await waitFor(() => activities.length > 0, 'the welcome');
    h.clock.offsetMs = 31 * 60 * 1000;
    await waitFor(() => statuses.includes(dl.ConnectionStatus.ExpiredToken), 'ExpiredToken');
    // What a page does on ExpiredToken: get a new token for the conversation (here straight from the service) and reconnect.
    h.clock.offsetMs = 0;
    const fresh = h.tokens.issue(generated.body.conversationId);
    client.reconnect({ conversationId: fresh.conversationId, token: fresh.token });
    expect(statuses[statuses.length - 1]).toBe(dl.ConnectionStatus.Online);
    const id = await post(client, { type: 'message', from: { id: 'user1' }, text: 'still here', channelData: { clientActivityID: 'e1' } });
    await waitFor(() => activities.find((a) => a.replyToId === id), 'the reply after reconnecting');
  });

  it('a conversation that disappears ends the client (404 → ConnectionStatus.Ended)', async () => {
    const generated = await call(h, 'POST', '/tokens/generate');
    const { activities, statuses, errors } = connect({ token: generated.body.token });
    await waitFor(() => activities.length > 0, 'the welcome');
    await h.store.delete(generated.body.conversationId);
    await waitFor(() => statuses.includes(dl.ConnectionStatus.Ended), 'Ended');
    await waitFor(() => errors.length > 0, 'the activity$ error');
    expect(String(errors[0])).toMatch(/conversation ended/);
  });

  it('resumes a conversation from a token, conversationId and watermark (GET /conversations/:id)', async () => {
    const generated = await call(h, 'POST', '/tokens/generate');
    const first = connect({ token: generated.body.token });
    const id = await post(first.client, { type: 'message', from: { id: 'user1' }, text: 'remember me', channelData: { clientActivityID: 'r1' } });
    await waitFor(() => first.activities.find((a) => a.replyToId === id), 'the first reply');
    cleanups.pop()?.();

    // The client's public watermark option, as a page resuming a conversation passes it.
    const { activities } = connect({ token: generated.body.token, conversationId: generated.body.conversationId, watermark: '2' });
    await waitFor(() => activities.find((a) => a.text === 'echo: remember me'), 'the old reply after the watermark');
    expect(activities.map((a) => a.text)).toEqual(['echo: remember me']);
  });
});
