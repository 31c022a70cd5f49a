import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient, staffCookie, startLiveService, type LiveService } from '../support/liveService.js';
import { APP_ID, TOKEN, WeChatServer } from '../wechat/wechatSimulator.js';
import { deepJson, expectClientError, NASTY_TEXTS, percentEncode, XML_BOMBS } from './robustnessKit.js';

let live: LiveService;
let dl: DirectLineTestClient;

beforeAll(async () => {
  live = await startLiveService({ WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID }, 'warn');
  dl = new DirectLineTestClient(live.base);
});
afterAll(() => live.close());

const json = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body,
});
const activity = (extra: Record<string, unknown>): string =>
  JSON.stringify({
    type: 'message',
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:9/',
    deliveryMode: 'expectReplies',
    conversation: { id: 'robust' },
    from: { id: 'u' },
    recipient: { id: 'bot' },
    ...extra,
  });

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
    // An invoke the bot has no handler for: the SDK answers 501, the client gets a 400 saying so.
    const invoke = JSON.parse(activity({ type: 'invoke', name: 'composeExtension/query' })) as Record<string, unknown>;
    delete invoke.deliveryMode;
    expect((await expectClientError(await fetch(url, json(JSON.stringify(invoke))), 400, 'invoke')).message).toMatch(/invoke/);
  });

  it('control characters, emoji, right-to-left text and broken Tibetan stacks get an answer on every chat channel', async () => {
    const conv = await dl.open();
    const wechat = new WeChatServer(live.base, false);
    for (const text of NASTY_TEXTS) {
      const bf = await fetch(`${live.base}/api/messages`, json(activity({ text })));
      expect(bf.status, JSON.stringify(text)).toBe(200);
      expect(((await bf.json()) as { activities: unknown[] }).activities.length).toBeGreaterThan(0);
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

  it("Direct Line: empty and 100 kB messages, wrong types, unknown conversations, other conversations' tokens", async () => {
    const a = await dl.open();
    const b = await dl.open();
    const post = (conv: { id: string; token: string }, body: string, id = conv.id) =>
      fetch(`${live.base}/v3/directline/conversations/${id}/activities`, json(body, { authorization: `Bearer ${conv.token}` }));
    await expectClientError(await post(a, '{"type":"message",'), 400, 'truncated JSON');
    await expectClientError(await post(a, JSON.stringify({ type: 'message', from: { id: 'u' }, text: '' })), 400, 'empty message');
    await expectClientError(await post(a, JSON.stringify({ type: 'message', from: { id: 'u' }, text: 42 })), 400, 'numeric text');
    await expectClientError(await post(a, JSON.stringify({ type: 'message', from: { id: 'u' }, text: '住'.repeat(35_000) })), 413, '100 kB');
    await expectClientError(
      await post(a, JSON.stringify({ type: 'message', from: { id: 'u' }, text: 'hi' }), 'no-such-conversation'),
      403,
      'unknown conversation',
    );
    await expectClientError(await post(a, JSON.stringify({ type: 'message', from: { id: 'u' }, text: 'hi' }), b.id), 403, "b's conversation with a's token");
    await expectClientError(
      await fetch(`${live.base}/v3/directline/conversations/${b.id}/activities`, { headers: { authorization: `Bearer ${a.token}` } }),
      403,
      "reading b with a's token",
    );
    await expectClientError(await fetch(`${live.base}/v3/directline/conversations/${b.id}/activities`), 401, 'no token');
  });

  it('JSON nested 5,000 deep in 10 kB is a 400 JSON on every JSON route (it was a 500, or an HTML stack overflow)', async () => {
    const conv = await dl.open();
    const cookie = await staffCookie(live.base);
    const bearer = { authorization: `Bearer ${conv.token}` };
    const big = [deepJson(5000, 'array'), deepJson(1600, 'object')];
    // The staff sign-in takes 2 kB at most: 900 levels.
    const small = [deepJson(900, 'array'), deepJson(300, 'object')];
    const routes: Array<[string, (deep: string) => string, Record<string, string>, string[]?]> = [
      ['/api/messages', (deep) => activity({ value: '§' }).replace('"§"', deep), {}],
      ['/api/messages', (deep) => deep, {}],
      [`/v3/directline/conversations/${conv.id}/activities`, (deep) => `{"type":"message","from":{"id":"u"},"text":"hi","value":${deep}}`, bearer],
      [`/v3/directline/conversations/${conv.id}/activities`, (deep) => `{"type":"message","from":{"id":"u"},"text":"hi","channelData":{"a":${deep}}}`, bearer],
      ['/v3/directline/conversations', (deep) => `{"user":{"id":"u"},"x":${deep}}`, {}],
      ['/web/qr', (deep) => `{"text":"hi","x":${deep}}`, {}],
      ['/staff/login', (deep) => `{"token":${deep}}`, {}, small],
      ['/api/admin/review/resolve', (deep) => `{"ids":${deep},"matter":null}`, { cookie, origin: live.base }],
    ];
    for (const [path, body, headers, depths = big] of routes) {
      for (const deep of depths) {
        expect(body(deep).length).toBeLessThan(10_500);
        const res = await fetch(`${live.base}${path}`, json(body(deep), headers));
        const error = await expectClientError(res, 400, `${path} ${body(deep).slice(0, 40)}`);
        expect(error.message, path).toMatch(/nested more than \d+ levels/);
      }
    }
    // Ordinary nesting still passes: an Adaptive Card submit a dozen levels deep gets its turn.
    const card = await fetch(`${live.base}/api/messages`, json(activity({ value: JSON.parse(deepJson(12, 'object')) })));
    expect(card.status).toBe(200);
  });

  it('/web/qr refuses text with a lone surrogate with a 400 naming it (it was a 500), and encodes real text', async () => {
    for (const text of ['\ud800', 'a\udfffb', '医保\ud83d']) {
      const error = await expectClientError(await fetch(`${live.base}/web/qr`, json(JSON.stringify({ text }))), 400, JSON.stringify(text));
      expect(error.message).toMatch(/lone surrogate/);
    }
    const ok = await fetch(`${live.base}/web/qr`, json(JSON.stringify({ text: '医保 😀 བོད་ཡིག \u2067ab\u2069' })));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/image\/svg\+xml/);
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
