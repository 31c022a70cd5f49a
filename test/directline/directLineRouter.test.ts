import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../bot/directline/tokenService.js';
import { call, heldTurns, message, openConversation, SECRET, startHarness, tokenUser, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ limits: { turnTimeoutMs: 300 } }); // 64 kB body limit by default
});
afterAll(() => h.close());

function expectDirectLineError(res: { status: number; body: any }, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message']);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
}

describe('tokens', () => {
  it('POST /tokens/generate gives a token for a new conversation, anonymously', async () => {
    const res = await call(h, 'POST', '/tokens/generate');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['conversationId', 'expires_in', 'token']);
    expect(res.body.expires_in).toBe(1800);
    expect(res.body.conversationId).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await h.store.get(res.body.conversationId)).toMatchObject({ started: false });
  });

  it('POST /tokens/refresh issues a new token for the same conversation; both work', async () => {
    const { conversationId, token } = await openConversation(h);
    const res = await call(h, 'POST', '/tokens/refresh', { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ conversationId, expires_in: 1800 });
    expect(res.body.token).not.toBe(token);
    expect((await call(h, 'GET', `/conversations/${conversationId}/activities`, { token: res.body.token })).status).toBe(200);
    expect((await call(h, 'GET', `/conversations/${conversationId}/activities`, { token })).status).toBe(200);
  });

  it('refresh needs a valid token, or one expired less than the grace period ago (a page back from a long outage)', async () => {
    expectDirectLineError(await call(h, 'POST', '/tokens/refresh'), 401, 'Unauthorized');
    expectDirectLineError(await call(h, 'POST', '/tokens/refresh', { token: 'nonsense' }), 401, 'Unauthorized');
    const { conversationId, token } = await openConversation(h);
    try {
      // 31 minutes: expired, so the conversation refuses it, but it still renews within the 30-minute grace.
      h.clock.offsetMs = 31 * 60 * 1000;
      expectDirectLineError(await call(h, 'GET', `/conversations/${conversationId}/activities`, { token }), 403, 'TokenExpired');
      const renewed = await call(h, 'POST', '/tokens/refresh', { token });
      expect(renewed.status).toBe(200);
      expect(renewed.body).toMatchObject({ conversationId, expires_in: 1800 });
      expect(tokenUser(renewed.body.token)).toBe(tokenUser(token));
      expect((await call(h, 'GET', `/conversations/${conversationId}/activities`, { token: renewed.body.token })).status).toBe(200);
      // Past the grace (30 minutes after it expired): no more.
      h.clock.offsetMs = 60 * 60 * 1000 + 1000;
      expectDirectLineError(await call(h, 'POST', '/tokens/refresh', { token }), 403, 'TokenExpired');
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it('refresh of a token whose conversation is gone is 404', async () => {
    const { conversationId, token } = await openConversation(h);
    await h.store.delete(conversationId);
    expectDirectLineError(await call(h, 'POST', '/tokens/refresh', { token }), 404, 'NotFound');
  });
});

describe('starting a conversation', () => {
  it('without a token: 201 with a new conversation and its token, and the bot welcomes the user', async () => {
    const res = await call(h, 'POST', '/conversations');
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['conversationId', 'expires_in', 'token']);
    const { conversationId, token } = res.body;
    const got = await call(h, 'GET', `/conversations/${conversationId}/activities`, { token });
    expect(got.status).toBe(200);
    expect(got.body.activities).toHaveLength(1);
    const welcome = got.body.activities[0];
    expect(welcome).toMatchObject({
      type: 'message',
      id: `${conversationId}|0000001`,
      channelId: 'directline',
      conversation: { id: conversationId },
      from: { id: 'yibao-bot', name: '医保助手', role: 'bot' },
    });
    expect(welcome.text).toBe(`welcome ${tokenUser(token)}`);
    expect(tokenUser(token)).toMatch(/^dl_[\w-]{16}$/);
    // botbuilder leaves replyToId off replies to a Direct Line conversationUpdate.
    expect(welcome.replyToId).toBeUndefined();
    expect(new Date(welcome.timestamp).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(got.body.watermark).toBe('1');
  });

  it('uses the locale directlinejs sends but never its user id (the token names the user), and "Bearer undefined" counts as no token', async () => {
    const res = await call(h, 'POST', '/conversations', { authorization: 'Bearer undefined', body: { user: { id: 'u-42' }, locale: 'zh-CN' } });
    expect(res.status).toBe(201);
    const got = await call(h, 'GET', `/conversations/${res.body.conversationId}/activities`, { token: res.body.token });
    expect(got.body.activities[0]).toMatchObject({ text: `welcome ${tokenUser(res.body.token)}`, locale: 'zh-CN' });
  });

  it("with a generated token: opens that token's conversation, welcomes once", async () => {
    const generated = await call(h, 'POST', '/tokens/generate');
    const first = await call(h, 'POST', '/conversations', { token: generated.body.token, body: { user: {} } });
    expect(first.status).toBe(201);
    expect(first.body.conversationId).toBe(generated.body.conversationId);
    expect(first.body.token).toBe(generated.body.token);
    expect(first.body.expires_in).toBeGreaterThan(1790);
    const again = await call(h, 'POST', '/conversations', { token: generated.body.token });
    expect(again.status).toBe(201);
    const got = await call(h, 'GET', `/conversations/${first.body.conversationId}/activities`, { token: first.body.token });
    expect(got.body.activities.map((a: any) => a.text)).toEqual([expect.stringMatching(/^welcome /)]);
  });

  it('rejects a forged or expired token, and a bad start body', async () => {
    expectDirectLineError(await call(h, 'POST', '/conversations', { token: 'a.b.c' }), 401, 'Unauthorized');
    expectDirectLineError(await call(h, 'POST', '/conversations', { authorization: 'Basic abc' }), 401, 'Unauthorized');
    const expired = new TokenService({ secret: SECRET, now: () => Date.now() - 3600_000 }).issue('whatever');
    expectDirectLineError(await call(h, 'POST', '/conversations', { token: expired.token }), 403, 'TokenExpired');
    expectDirectLineError(await call(h, 'POST', '/conversations', { body: { locale: 42 } }), 400, 'BadArgument');
    expectDirectLineError(await call(h, 'POST', '/conversations', { body: [1] }), 400, 'BadArgument');
    expectDirectLineError(await call(h, 'POST', '/conversations', { raw: '{"user":' }), 400, 'BadSyntax');
  });

  it('GET /conversations/:id gives the conversation back (directlinejs reconnect)', async () => {
    const { conversationId, token } = await openConversation(h);
    const res = await call(h, 'GET', `/conversations/${conversationId}?watermark=`, { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ conversationId, token });
    expect(res.body.expires_in).toBeGreaterThan(1790);
  });
});

describe('activities', () => {
  it('POST echoes the user activity with its clientActivityID, runs the turn, and answers {id} after it', async () => {
    const { conversationId, token } = await openConversation(h);
    const sent = await call(h, 'POST', `/conversations/${conversationId}/activities`, {
      token,
      body: message('你好', {
        channelData: { clientActivityID: 'client-1', extra: { kept: true } },
        channelId: 'webchat',
        locale: 'zh-CN',
        localTimestamp: '2025-01-01T08:00:00.000+08:00',
        localTimezone: 'Asia/Shanghai',
        attachments: [],
        entities: [{ type: 'ClientCapabilities', requiresBotState: true }],
        serviceUrl: 'http://evil.example',
        id: 'client-chosen',
      }),
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ id: `${conversationId}|0000002` });

    // The reply is already in the log when the POST returns.
    const got = await call(h, 'GET', `/conversations/${conversationId}/activities?watermark=1`, { token });
    expect(got.status).toBe(200);
    expect(got.body.watermark).toBe('3');
    const [echo, reply] = got.body.activities;
    expect(got.body.activities).toHaveLength(2);
    expect(echo).toMatchObject({
      id: `${conversationId}|0000002`,
      type: 'message',
      text: '你好',
      from: { id: tokenUser(token), name: '卓玛', role: 'user' }, // the token's user, whatever from.id said
      recipient: { id: 'yibao-bot' },
      conversation: { id: conversationId },
      channelId: 'directline',
      channelData: { clientActivityID: 'client-1' },
      locale: 'zh-CN',
      localTimezone: 'Asia/Shanghai',
      entities: [{ type: 'ClientCapabilities', requiresBotState: true }],
    });
    expect(echo.serviceUrl).not.toBe('http://evil.example');
    // channelData keeps only what Web Chat sends; anything else is dropped before it is stored.
    expect(echo.channelData).toEqual({ clientActivityID: 'client-1' });
    expect(reply).toMatchObject({
      id: `${conversationId}|0000003`,
      type: 'message',
      text: 'echo: 你好',
      replyToId: echo.id,
      from: { id: 'yibao-bot', role: 'bot' },
      recipient: { id: tokenUser(token) },
      conversation: { id: conversationId },
    });
  });

  it('events and typing are accepted; several replies keep their order', async () => {
    const { conversationId, token } = await openConversation(h);
    const ev = await call(h, 'POST', `/conversations/${conversationId}/activities`, {
      token,
      body: { type: 'event', name: 'ping', value: { n: 1 }, from: { id: 'user1' } },
    });
    expect(ev.status).toBe(200);
    expect((await call(h, 'POST', `/conversations/${conversationId}/activities`, { token, body: { type: 'typing', from: { id: 'user1' } } })).status).toBe(200);
    expect((await call(h, 'POST', `/conversations/${conversationId}/activities`, { token, body: message('two') })).status).toBe(200);
    const got = await call(h, 'GET', `/conversations/${conversationId}/activities?watermark=1`, { token });
    expect(got.body.activities.map((a: any) => [a.type, a.name ?? a.text ?? null])).toEqual([
      ['event', 'ping'],
      ['event', 'pong'],
      ['typing', null],
      ['message', 'two'],
      ['message', 'one'],
      ['typing', null],
      ['message', 'two'],
    ]);
    expect(got.body.activities[1].value).toEqual({ n: 1 });
  });

  it('pages with the watermark until nothing is new', async () => {
    const paged = await startHarness({ limits: { pageSize: 2 } });
    try {
      const { conversationId, token } = await openConversation(paged);
      for (const t of ['a', 'b', 'c']) await call(paged, 'POST', `/conversations/${conversationId}/activities`, { token, body: message(t) });
      const seen: string[] = [];
      const watermarks: string[] = [];
      let watermark = '';
      for (let i = 0; i < 10; i++) {
        const got = await call(paged, 'GET', `/conversations/${conversationId}/activities?watermark=${watermark}`, { token });
        expect(got.status).toBe(200);
        expect(got.body.activities.length).toBeLessThanOrEqual(2);
        watermarks.push(got.body.watermark);
        watermark = got.body.watermark;
        if (got.body.activities.length === 0) break;
        seen.push(...got.body.activities.map((a: any) => a.text));
      }
      expect(seen).toEqual([expect.stringMatching(/^welcome/), 'a', 'echo: a', 'b', 'echo: b', 'c', 'echo: c']);
      expect(watermarks).toEqual(['2', '4', '6', '7', '7']);
      // A watermark past the end is answered with the log's end, so the client resynchronises.
      const ahead = await call(paged, 'GET', `/conversations/${conversationId}/activities?watermark=999`, { token });
      expect(ahead.body).toEqual({ activities: [], watermark: '7' });
    } finally {
      await paged.close();
    }
  });

  it('rejects bad bodies with 400 BadArgument (never 500)', async () => {
    const { conversationId, token } = await openConversation(h);
    const post = (body: unknown) => call(h, 'POST', `/conversations/${conversationId}/activities`, { token, body });
    const cases: Array<[unknown, RegExp]> = [
      [message('x'.repeat(4001)), /^text: .*4000/],
      [{ type: 'message', text: 'hi' }, /^from/],
      [{ type: 'message', text: 'hi', from: { id: 42 } }, /^from\.id/],
      [{ type: 'message', text: 'hi', from: { id: '  ' } }, /^from\.id/],
      [{ type: 'invoke', name: 'x', from: { id: 'u' } }, /^type: must be one of message, event, typing/],
      [{ text: 'hi', from: { id: 'u' } }, /^type/],
      [message(''), /^text: a message needs text/],
      [message('hi', { text: 5 }), /^text/],
      [{ type: 'event', from: { id: 'u' } }, /^name: an event needs a name/],
      [message('hi', { channelData: 'x' }), /^channelData/],
      [message('hi', { channelData: { clientActivityID: 7 } }), /^channelData\.clientActivityID/],
      [message('hi', { locale: 'not a locale' }), /^locale/],
      [[message('hi')], /one activity object/],
      ['hi', /one activity object/],
      [null, /one activity object/],
    ];
    for (const [body, pattern] of cases) {
      const res = await post(body);
      expectDirectLineError(res, 400, 'BadArgument');
      expect(res.body.error.message, JSON.stringify(body).slice(0, 80)).toMatch(pattern);
    }
    // 4000 characters exactly is fine.
    expect((await post(message('藏'.repeat(4000)))).status).toBe(200);
  });

  it('malformed JSON → 400 BadSyntax, oversized → 413, wrong content type → 400, all in the Direct Line shape', async () => {
    const { conversationId, token } = await openConversation(h);
    const path = `/conversations/${conversationId}/activities`;
    expectDirectLineError(await call(h, 'POST', path, { token, raw: '{"type":"message",' }), 400, 'BadSyntax');
    expectDirectLineError(await call(h, 'POST', path, { token, body: message('x'.repeat(3000), { value: 'y'.repeat(64 * 1024) }) }), 413, 'MessageSizeTooBig');
    expectDirectLineError(await call(h, 'POST', path, { token, raw: 'type=message', contentType: 'application/x-www-form-urlencoded' }), 400, 'BadArgument');
    expectDirectLineError(await call(h, 'POST', path, { token }), 400, 'BadArgument');
    expectDirectLineError(
      await call(h, 'POST', path, { token, raw: JSON.stringify(message('hi')), contentType: 'application/json; charset=latin-9' }),
      415,
      'UnsupportedMediaType',
    );
  });

  it('rejects a watermark that is not a number', async () => {
    const { conversationId, token } = await openConversation(h);
    for (const w of ['abc', '-1', '1.5', '1e3']) {
      expectDirectLineError(await call(h, 'GET', `/conversations/${conversationId}/activities?watermark=${w}`, { token }), 400, 'BadArgument');
    }
    const twice = await call(h, 'GET', `/conversations/${conversationId}/activities?watermark=1&watermark=2`, { token });
    expectDirectLineError(twice, 400, 'BadArgument');
  });
});

describe('token scoping', () => {
  it("conversation A's token cannot read or write conversation B (403 Forbidden)", async () => {
    const a = await openConversation(h);
    const b = await openConversation(h);
    expectDirectLineError(await call(h, 'GET', `/conversations/${b.conversationId}/activities`, { token: a.token }), 403, 'Forbidden');
    expectDirectLineError(await call(h, 'POST', `/conversations/${b.conversationId}/activities`, { token: a.token, body: message('hi') }), 403, 'Forbidden');
    expectDirectLineError(await call(h, 'GET', `/conversations/${b.conversationId}`, { token: a.token }), 403, 'Forbidden');
    // B's log is untouched.
    const got = await call(h, 'GET', `/conversations/${b.conversationId}/activities`, { token: b.token });
    expect(got.body.activities).toHaveLength(1);
  });

  it('missing, malformed, forged or foreign-signed tokens are 401 Unauthorized', async () => {
    const { conversationId, token } = await openConversation(h);
    const path = `/conversations/${conversationId}/activities`;
    const missing = await call(h, 'GET', path);
    expectDirectLineError(missing, 401, 'Unauthorized');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expectDirectLineError(await call(h, 'GET', path, { authorization: 'Bearer undefined' }), 401, 'Unauthorized');
    expectDirectLineError(await call(h, 'GET', path, { token: 'not-a-token' }), 401, 'Unauthorized');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
    expectDirectLineError(await call(h, 'GET', path, { token: `${header}.${payload}.${flipped}` }), 401, 'Unauthorized');
    // Claims rewritten to point at the conversation, signature kept: still rejected.
    const other = await openConversation(h);
    const [, otherPayload] = other.token.split('.') as [string, string, string];
    expectDirectLineError(await call(h, 'GET', path, { token: `${header}.${otherPayload}.${signature}` }), 401, 'Unauthorized');
    const foreign = new TokenService({ secret: 'another-secret-another-secret-another-secret' }).issue(conversationId);
    expectDirectLineError(await call(h, 'GET', path, { token: foreign.token }), 401, 'Unauthorized');
    const noneAlg = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expectDirectLineError(await call(h, 'GET', path, { token: noneAlg }), 401, 'Unauthorized');
  });

  it('an expired token is 403 TokenExpired, as the Direct Line service answers it', async () => {
    const { conversationId, token } = await openConversation(h);
    h.clock.offsetMs = 30 * 60 * 1000 + 1000;
    try {
      expectDirectLineError(await call(h, 'GET', `/conversations/${conversationId}/activities`, { token }), 403, 'TokenExpired');
      expectDirectLineError(await call(h, 'POST', `/conversations/${conversationId}/activities`, { token, body: message('hi') }), 403, 'TokenExpired');
    } finally {
      h.clock.offsetMs = 0;
    }
  });

  it('a valid token for a conversation that no longer exists is 404 NotFound', async () => {
    const { conversationId, token } = await openConversation(h);
    await h.store.delete(conversationId);
    expectDirectLineError(await call(h, 'GET', `/conversations/${conversationId}/activities`, { token }), 404, 'NotFound');
    expectDirectLineError(await call(h, 'POST', `/conversations/${conversationId}/activities`, { token, body: message('hi') }), 404, 'NotFound');
    expectDirectLineError(await call(h, 'POST', '/conversations', { token }), 404, 'NotFound');
  });

  it('unknown operations are 404 NotFound in the Direct Line shape', async () => {
    expectDirectLineError(await call(h, 'GET', '/nope'), 404, 'NotFound');
    expectDirectLineError(await call(h, 'DELETE', '/conversations'), 404, 'NotFound');
    const { conversationId, token } = await openConversation(h);
    expectDirectLineError(await call(h, 'POST', `/conversations/${conversationId}/upload?userId=u`, { token }), 400, 'BadArgument');
  });
});

describe('bot failures', () => {
  it('a turn that throws with no onTurnError is 502 BotError; the echo is still in the log', async () => {
    const { conversationId, token } = await openConversation(h);
    const res = await call(h, 'POST', `/conversations/${conversationId}/activities`, {
      token,
      body: message('boom', { channelData: { clientActivityID: 'c-boom' } }),
    });
    expectDirectLineError(res, 502, 'BotError');
    const got = await call(h, 'GET', `/conversations/${conversationId}/activities?watermark=1`, { token });
    expect(got.body.activities).toEqual([expect.objectContaining({ text: 'boom', channelData: { clientActivityID: 'c-boom' } })]);
    // The conversation keeps working.
    expect((await call(h, 'POST', `/conversations/${conversationId}/activities`, { token, body: message('again') })).status).toBe(200);
  });

  it("with onTurnError set, the handler's reply is sent and the POST succeeds", async () => {
    const guarded = await startHarness({ onTurnError: true });
    try {
      const { conversationId, token } = await openConversation(guarded);
      const res = await call(guarded, 'POST', `/conversations/${conversationId}/activities`, { token, body: message('boom') });
      expect(res.status).toBe(200);
      const got = await call(guarded, 'GET', `/conversations/${conversationId}/activities?watermark=1`, { token });
      expect(got.body.activities.map((a: any) => a.text)).toEqual(['boom', 'sorry, something went wrong']);
    } finally {
      await guarded.close();
    }
  });

  it('a slow turn is answered after turnTimeoutMs; its reply reaches the log later', async () => {
    const { conversationId, token } = await openConversation(h);
    heldTurns.close();
    try {
      // The bot is held until the gate opens, so a 200 here can only be the turnTimeoutMs answer.
      const res = await call(h, 'POST', `/conversations/${conversationId}/activities`, { token, body: message('held') });
      expect(res.status).toBe(200);
      expect(heldTurns.waiting).toBe(1);
      const before = await call(h, 'GET', `/conversations/${conversationId}/activities?watermark=1`, { token });
      expect(before.body.activities.map((a: any) => a.text)).toEqual(['held']);
      heldTurns.open();
      await expect
        .poll(
          async () => {
            const after = await call(h, 'GET', `/conversations/${conversationId}/activities?watermark=${before.body.watermark}`, { token });
            return after.body.activities.map((a: any) => a.text);
          },
          { timeout: 10_000 },
        )
        .toEqual(['echo: held']);
    } finally {
      heldTurns.open();
    }
  });
});
