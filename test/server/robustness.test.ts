import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient, startLiveService, type LiveService } from '../support/liveService.js';
import { APP_ID, TOKEN, WeChatServer } from '../wechat/wechatSimulator.js';
import { expectClientError, NASTY_TEXTS, percentEncode, XML_BOMBS } from './robustnessKit.js';

let live: LiveService;
let dl: DirectLineTestClient;

beforeAll(async () => {
  live = await startLiveService({ WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID }, 'warn');
  dl = new DirectLineTestClient(live.base);
});
afterAll(() => live.close());

const json = (body: string, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const activity = (extra: Record<string, unknown>): string =>
  JSON.stringify({ type: 'message', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9/', deliveryMode: 'expectReplies', conversation: { id: 'robust' }, from: { id: 'u' }, recipient: { id: 'bot' }, ...extra });

describe('bad input gets a clear 4xx and the server stays up', () => {
  it('malformed JSON, wrong types, empty and 100 kB bodies on /api/messages', async () => {
    const url = `${live.base}/api/messages`;
    await expectClientError(await fetch(url, json('{"type":')), 400, 'truncated JSON');
    await expectClientError(await fetch(url, json('[]')), 400, 'an array');
    await expectClientError(await fetch(url, json('{}')), 400, 'no type');
    await expectClientError(await fetch(url, json(activity({ type: 7 }))), 400, 'numeric type');
    await expectClientError(await fetch(url, json(activity({ text: { a: 1 } }))), 400, 'object text');
    await expectClientError(await fetch(url, json(activity({ conversation: 'x' }))), 400, 'string conversation');
    const long = await expectClientError(await fetch(url, json(activity({ text: '住'.repeat(100_000 / 3) }))), 413, '100 kB text');
    expect(long.message).toMatch(/too long/);
    await expectClientError(await fetch(url, json(activity({ text: 'x'.repeat(300_000) }))), 413, 'over the body limit');
    const empty = await fetch(url, json(activity({ text: '' })));
    expect(empty.status).toBe(200);
  });

  it('control characters, emoji, right-to-left text and broken Tibetan stacks get an answer on every chat channel', async () => {
    const conv = await dl.open();
    const wechat = new WeChatServer(live.base, false);
    for (const text of NASTY_TEXTS) {
      const bf = await fetch(`${live.base}/api/messages`, json(activity({ text })));
      expect(bf.status, JSON.stringify(text)).toBe(200);
      expect((((await bf.json()) as { activities: unknown[] }).activities).length).toBeGreaterThan(0);
      const viaDl = await dl.post(conv, text);
      // Direct Line refuses a message of only white space (it has no text), clearly.
      if (text.trim() === '') await expectClientError(viaDl, 400, 'blank text');
      else expect(viaDl.status, JSON.stringify(text)).toBe(200);
      expect((await wechat.send(wechat.text('oRobustUser0000001', text))).status, JSON.stringify(text)).toBe(200);
      const search = await fetch(`${live.base}/api/search?q=${percentEncode(text)}`);
      expect(search.status === 200 || search.status === 400, JSON.stringify(text)).toBe(true);
      if (search.status === 400) await expectClientError(search, 400, text);
    }
  });

  it('Direct Line: empty and 100 kB messages, wrong types, unknown conversations, other conversations\' tokens', async () => {
    const a = await dl.open();
    const b = await dl.open();
    const post = (conv: { id: string; token: string }, body: string, id = conv.id) =>
      fetch(`${live.base}/v3/directline/conversations/${id}/activities`, json(body, { authorization: `Bearer ${conv.token}` }));
    await expectClientError(await post(a, '{"type":"message",'), 400, 'truncated JSON');
    await expectClientError(await post(a, JSON.stringify({ type: 'message', from: { id: 'u' }, text: '' })), 400, 'empty message');
    await expectClientError(await post(a, JSON.stringify({ type: 'message', from: { id: 'u' }, text: 42 })), 400, 'numeric text');
    await expectClientError(await post(a, JSON.stringify({ type: 'message', from: { id: 'u' }, text: '住'.repeat(35_000) })), 413, '100 kB');
    await expectClientError(await post(a, JSON.stringify({ type: 'message', from: { id: 'u' }, text: 'hi' }), 'no-such-conversation'), 403, 'unknown conversation');
    await expectClientError(await post(a, JSON.stringify({ type: 'message', from: { id: 'u' }, text: 'hi' }), b.id), 403, "b's conversation with a's token");
    await expectClientError(await fetch(`${live.base}/v3/directline/conversations/${b.id}/activities`, { headers: { authorization: `Bearer ${a.token}` } }), 403, "reading b with a's token");
    await expectClientError(await fetch(`${live.base}/v3/directline/conversations/${b.id}/activities`), 401, 'no token');
  });

  it('XML bombs and garbage to /wechat are refused with a 4xx', async () => {
    const wechat = new WeChatServer(live.base, false);
    for (const bomb of XML_BOMBS) {
      const answer = await wechat.send({}, { rawBody: bomb });
      expect(answer.status, bomb.slice(0, 60)).toBeGreaterThanOrEqual(400);
      expect(answer.status, bomb.slice(0, 60)).toBeLessThan(500);
    }
    const unsigned = await fetch(`${live.base}/wechat`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: XML_BOMBS[0] });
    await expectClientError(unsigned, 400, 'unsigned');
  });

  it('admin endpoints: 401 signed out, 413 beyond the body limit', async () => {
    await expectClientError(await fetch(`${live.base}/api/admin/review`), 401, 'signed out');
    await expectClientError(await fetch(`${live.base}/api/admin/reload`, { method: 'POST' }), 401, 'reload signed out');
  });

  it('/healthz is green after all of it', async () => {
    const res = await fetch(`${live.base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
