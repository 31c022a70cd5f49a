import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotFrameworkAdapter } from '../../bot/channels/botFrameworkAdapter.js';
import { tokenUser } from '../directline/harness.js';
import { expectClientError } from '../server/robustnessKit.js';
import { DirectLineTestClient, messageKeys, startLiveService, type LiveService } from '../support/liveService.js';
import { APP_ID, TOKEN, WeChatServer } from '../wechat/wechatSimulator.js';

/**
 * Issue 11, defect 1: POST /api/messages made the server send requests wherever the activity's
 * serviceUrl said, with no timeout, and ran other channels' conversations. Each attack runs
 * over real HTTP against the whole service; the "victims" are loopback servers that count
 * what reaches them.
 */

/** A loopback HTTP server that records every request; `answer` decides what it does with one. */
class Victim {
  readonly requests: string[] = [];
  closed = 0;
  private server!: Server;
  url = '';

  constructor(private readonly answer: (req: IncomingMessage, res: ServerResponse) => void) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      res.on('close', () => this.closed++);
      this.answer(req, res);
    });
    this.server.listen(0, '127.0.0.1');
    await new Promise((r) => this.server.once('listening', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** Answers like a Bot Framework connector: 200 with a resource id. */
const connector = (): Victim =>
  new Victim((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"r1"}'));
  });

const activity = (serviceUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'message',
  id: 'a1',
  channelId: 'emulator',
  serviceUrl,
  conversation: { id: 'attacker-conversation' },
  from: { id: 'attacker' },
  recipient: { id: 'bot' },
  text: '住院费用怎么报销',
  locale: 'zh-CN',
  ...extra,
});

const postActivity = (base: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const started: Array<LiveService | Victim> = [];
afterAll(async () => {
  for (const s of started.reverse()) await (s instanceof Victim ? s.stop() : s.close());
});
const victim = async (v: Victim): Promise<Victim> => {
  started.push(v);
  return v.start();
};
const service = async (env: Record<string, string>): Promise<LiveService> => {
  const live = await startLiveService(env, 'silent');
  started.push(live);
  return live;
};

describe('anonymous /api/messages (development): replies only to this machine', () => {
  let live: LiveService;
  beforeAll(async () => {
    live = await service({ WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID, BOT_OUTBOUND_TIMEOUT_MS: '300' });
  });

  it.each([
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['a private address', 'http://10.0.0.1:8080/'],
    ['a public host', 'https://evil.example/'],
    ['a name that only starts like localhost', 'http://localhost.evil.example/'],
    ['credentials in front of another host', 'http://localhost@evil.example/'],
    ['a non-HTTP scheme', 'file:///etc/passwd'],
    ['not a URL', 'not a url'],
  ])('refuses %s as serviceUrl with a 403 naming the rule', async (_label, serviceUrl) => {
    const error = await expectClientError(await postActivity(live.base, activity(serviceUrl)), 403, serviceUrl);
    expect(error.code).toBe('service_url_refused');
    expect(error.message).toMatch(/serviceUrl/);
  });

  it('never follows a redirect from the serviceUrl to somewhere else', async () => {
    const target = await victim(connector());
    const redirector = await victim(
      new Victim((req, res) => {
        req.resume();
        res.writeHead(307, { location: `${target.url}v3/conversations/x/activities` }).end();
      }),
    );
    const res = await postActivity(live.base, activity(redirector.url));
    expect(res.status).toBe(200);
    expect(redirector.requests.length).toBeGreaterThan(0);
    expect(target.requests).toEqual([]);
  });

  it('gives up on a serviceUrl that never answers after BOT_OUTBOUND_TIMEOUT_MS, and the request ends', async () => {
    // Accepts the connection and the request, never answers: before the fix this held the request past 70 s.
    const tarpit = await victim(new Victim((req) => req.resume()));
    const res = await postActivity(live.base, activity(tarpit.url));
    expect(res.status).toBe(200);
    // The reply and the apology after it were attempted, and each was abandoned by the bot (it closed the request).
    expect(tarpit.requests.length).toBeGreaterThanOrEqual(1);
    expect(tarpit.requests.length).toBeLessThanOrEqual(4);
    await expect.poll(() => tarpit.closed).toBe(tarpit.requests.length);
    expect((await fetch(`${live.base}/healthz`)).status).toBe(200);
  });

  it("cannot answer a WeChat user's pending question or read their checklist by naming their openid", async () => {
    const wechat = new WeChatServer(live.base, false);
    const openid = 'oVictimOpenId0000000000001';
    const first = await wechat.send(wechat.text(openid, '我要办理异地安置退休人员备案'));
    expect(first.reply?.Content).toMatch(/1\. /);
    // botbuilder's state keys: channel / conversations|users / id / (namespace, empty here).
    const keys = [`wechat/conversations/${openid}/`, `wechat/users/${openid}/`];
    const before = await live.service.storage.read(keys);
    expect(Object.keys(before).sort()).toEqual([...keys].sort());

    // The attack of the issue: the victim's openid as conversation and sender, answering their question.
    const connectorUrl = (await victim(connector())).url;
    const forged = (text: string) =>
      activity(connectorUrl, { channelId: 'wechat', conversation: { id: openid }, from: { id: openid }, text, deliveryMode: 'expectReplies' });
    const replies: Array<Record<string, any>> = [];
    for (const text of ['1', '1']) {
      const res = await postActivity(live.base, forged(text));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { activities: Array<Record<string, any>> };
      replies.push(...body.activities);
    }
    expect(messageKeys(replies)).not.toContain('checklist');
    // Replies name the conversation as the channel sent it, not the route's namespace.
    for (const reply of replies) expect(reply.conversation.id).toBe(openid);

    // The victim's stored state is untouched (same eTags); the attacker's turns live in the route's namespace.
    const after = await live.service.storage.read(keys);
    for (const key of keys) expect((after[key] as { eTag: string }).eTag, key).toBe((before[key] as { eTag: string }).eTag);
    const namespaced = `wechat/conversations/${BotFrameworkAdapter.ID_PREFIX}${openid}/`;
    expect(Object.keys(await live.service.storage.read([namespaced]))).toEqual([namespaced]);

    // And the victim's own conversation carries on where they left it.
    const second = await wechat.send(wechat.text(openid, '1'));
    expect(second.reply?.Content).toMatch(/1\. /);
  });

  it('cannot touch a Direct Line conversation or user by naming their ids', async () => {
    const dl = new DirectLineTestClient(live.base);
    const conv = await dl.open();
    await dl.say(conv, '我要办理异地安置退休人员备案');
    // Direct Line's user is the one its token names (a client's own from.id is replaced).
    const user = tokenUser(conv.token);
    const keys = [`directline/conversations/${conv.id}/`, `directline/users/${user}/`];
    const before = await live.service.storage.read(keys);
    expect(Object.keys(before).sort()).toEqual([...keys].sort());
    const res = await postActivity(
      live.base,
      activity('http://127.0.0.1:9/', {
        channelId: 'directline',
        conversation: { id: conv.id },
        from: { id: user },
        text: '1',
        deliveryMode: 'expectReplies',
      }),
    );
    expect(res.status).toBe(200);
    const after = await live.service.storage.read(keys);
    for (const key of keys) expect((after[key] as { eTag: string }).eTag, key).toBe((before[key] as { eTag: string }).eTag);
    expect(messageKeys(await dl.say(conv, '新办备案'))).toContain('question');
  });
});

describe('anonymous /api/messages in production', () => {
  it('is refused without BOT_ALLOW_ANONYMOUS, even for a loopback serviceUrl, and no request goes out', async () => {
    const live = await service({ NODE_ENV: 'production' });
    const target = await victim(connector());
    const error = await expectClientError(await postActivity(live.base, activity(target.url)), 403, 'production, anonymous');
    expect(error.code).toBe('anonymous_refused');
    expect(error.message).toMatch(/MicrosoftAppId/);
    expect(target.requests).toEqual([]);
  });

  it('with BOT_ALLOW_ANONYMOUS=true answers a loopback serviceUrl and nothing else', async () => {
    const live = await service({ NODE_ENV: 'production', BOT_ALLOW_ANONYMOUS: 'true' });
    const target = await victim(connector());
    expect((await postActivity(live.base, activity(target.url))).status).toBe(200);
    expect(target.requests.length).toBeGreaterThan(0);
    expect(target.requests.every((r) => r.startsWith('POST /v3/conversations/attacker-conversation/activities'))).toBe(true);
    const error = await expectClientError(await postActivity(live.base, activity('https://webchat.botframework.com/')), 403, 'public host, anonymous');
    expect(error.code).toBe('service_url_refused');
  });
});

describe('/api/messages with Azure Bot Service credentials', () => {
  let live: LiveService;
  beforeAll(async () => {
    live = await service({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-a-real-secret' });
  });

  it('refuses a serviceUrl off BOT_SERVICE_URL_HOSTS before any token check or outbound request', async () => {
    const target = await victim(connector());
    for (const serviceUrl of [target.url, 'http://smba.trafficmanager.net/amer/', 'https://botframework.com.evil.example/']) {
      const error = await expectClientError(await postActivity(live.base, activity(serviceUrl)), 403, serviceUrl);
      expect(error.code).toBe('service_url_refused');
    }
    expect(target.requests).toEqual([]);
  });

  it('answers an allowed serviceUrl without a valid token with 401 JSON', async () => {
    for (const headers of [{}, { authorization: 'Bearer not.a.jwt' }] as Array<Record<string, string>>) {
      const error = await expectClientError(
        await postActivity(live.base, activity('https://smba.trafficmanager.net/amer/'), headers),
        401,
        JSON.stringify(headers),
      );
      expect(error.message).toMatch(/authentication/i);
    }
  });
});
