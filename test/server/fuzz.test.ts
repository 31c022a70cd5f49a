import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient, STAFF_TOKEN, staffCookie, startLiveService, type DlConversation, type LiveService } from '../support/liveService.js';
import { APP_ID, TOKEN, WeChatServer } from '../wechat/wechatSimulator.js';
import { BIDI_TEXTS, COMBINING_RUNS, deepJson, NASTY_TEXTS, percentEncode, XML_BOMBS } from './robustnessKit.js';
import { seededRandom } from '../support/seededRandom.js';

/** Set FUZZ_SEED to replay a failing run; the seed is in the test's name. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5000);
const PARALLEL = 12;
/** What the run must reach: the count of requests is the bound, this only stops a run that hangs. */
const TIMEOUT_MS = 120_000;

interface FuzzRequest {
  label: string;
  path: string;
  init: RequestInit;
  /** /wechat answers WeChat, not JSON clients: only the status is checked there */
  jsonErrors: boolean;
}

let live: LiveService;
let dataDir: string;
let conversations: DlConversation[];
let cookie: string;

beforeAll(async () => {
  // Input handling is under test, not durability: state on tmpfs when there is one, so fsync costs nothing.
  dataDir = await mkdtemp(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'yibao-fuzz-'));
  live = await startLiveService({ WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID, DATA_DIR: dataDir }, 'silent');
  const dl = new DirectLineTestClient(live.base);
  conversations = [await dl.open(), await dl.open(), await dl.open()];
  cookie = await staffCookie(live.base);
});
afterAll(async () => {
  await live.close();
  await rm(dataDir, { recursive: true, force: true });
});

function generator(rnd: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (n: number): number => Math.floor(rnd() * n);
  const words = ['住院', '报销', '异地就医', '备案', '医保卡', '生育', '门诊', '拉萨', '江孜', '公积金', 'བོད་ཡིག', '退休', '13812345678', '540102199001011234'];
  const text = (): string => {
    switch (int(11)) {
      case 0:
        return '';
      case 1:
        return pick(NASTY_TEXTS);
      case 8:
        return `${pick(words)}${pick(BIDI_TEXTS)}${pick(words)}`;
      case 9:
        return pick(COMBINING_RUNS);
      case 10:
        // Lone surrogates, alone or next to real text.
        return pick(['\uD800', '\uDFFF', `${pick(words)}\uDBFF`, `\uDC00${pick(words)}`, '\uD83D\uD83D']);
      case 2:
        return 'x'.repeat(int(2) ? 100_000 : 4001);
      case 3:
        return String.fromCharCode(...Array.from({ length: 1 + int(40) }, () => int(0x10000)));
      default:
        return Array.from({ length: 1 + int(6) }, () => (int(3) ? pick(words) : pick(NASTY_TEXTS))).join(pick(['', ' ', '，', '\n']));
    }
  };
  const anyValue = (depth = 0): unknown => {
    switch (int(depth > 2 ? 6 : 9)) {
      case 0:
        return null;
      case 1:
        return int(2) === 0;
      case 2:
        return rnd() * 1e12 - 5e11;
      case 3:
      case 4:
      case 5:
        return text();
      case 6:
        return Array.from({ length: int(4) }, () => anyValue(depth + 1));
      case 7:
        return { __proto__x: 1, constructor: anyValue(depth + 1), [text().slice(0, 8)]: anyValue(depth + 1) };
      default:
        return { id: anyValue(depth + 1) };
    }
  };
  const mutate = (base: Record<string, unknown>): string => {
    const obj: Record<string, unknown> = { ...base };
    for (let i = int(3); i > 0; i--) {
      const key = pick(Object.keys(obj));
      if (int(3) === 0) delete obj[key];
      else obj[key] = anyValue();
    }
    const json = JSON.stringify(obj);
    switch (int(12)) {
      case 0:
        return json.slice(0, int(json.length));
      case 1:
        return `${json}}`;
      case 2:
        return JSON.stringify(anyValue());
      case 3:
      case 4:
        // Deep nesting, as a field or as the whole body: 5,000 levels fit in 10 kB.
        return int(2) ? `${json.slice(0, -1)},"${pick(Object.keys(base))}":${deep()}}` : deep();
      default:
        return json;
    }
  };
  const deep = (): string => deepJson(pick([65, 300, 5000, 5000, 20_000]), pick(['array', 'object'] as const));
  const contentType = (): string =>
    int(10) === 0 ? pick(['text/plain', 'application/xml', 'application/json; charset=latin1', 'multipart/form-data', '']) : 'application/json';
  const post = (body: string, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': contentType(), ...headers },
    body,
  });
  const json = (body: string, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return (): FuzzRequest => {
    const conv = pick(conversations);
    switch (int(16)) {
      case 9:
        return { label: 'qr', path: '/web/qr', init: post(mutate({ text: text().slice(0, int(2) ? 1500 : 200) })), jsonErrors: true };
      case 10: {
        const token = int(10) === 0 ? STAFF_TOKEN : text().slice(0, 600);
        return { label: 'staff', path: pick(['/staff/login', '/staff/login', '/staff/logout']), init: post(mutate({ token })), jsonErrors: true };
      }
      case 11:
        if (int(2))
          return {
            label: 'dl-open',
            path: '/v3/directline/conversations',
            init: post(mutate({ user: { id: text().slice(0, 300) }, locale: pick(['zh-CN', 'bo', 'x'.repeat(40), text()]) })),
            jsonErrors: true,
          };
        return {
          label: 'dl-open',
          path: pick(['/api/directline/token', '/v3/directline/tokens/generate', '/v3/directline/tokens/refresh']),
          init: { method: 'POST', headers: { authorization: `Bearer ${int(3) ? conv.token : percentEncode(text().slice(0, 50))}` } },
          jsonErrors: true,
        };
      case 12: {
        const body = mutate({
          ids: Array.from({ length: int(4) }, () => text().slice(0, 40)),
          matter: pick([1, 12, 31, 0, -1, null, 1.5, '1']),
          example: text().slice(0, 200),
        });
        // Not /api/admin/reload: it re-indexes every matter, a cost of its own rather than an input to fuzz.
        return { label: 'admin-post', path: '/api/admin/review/resolve', init: json(body, int(4) ? { cookie, origin: live.base } : {}), jsonErrors: true };
      }
      case 13:
        return {
          label: 'dl-info',
          path: `/v3/directline/conversations/${int(5) ? conv.id : percentEncode(text().slice(0, 20))}`,
          init: { headers: { authorization: `Bearer ${int(5) ? conv.token : 'x'}` } },
          jsonErrors: true,
        };
      case 14: {
        const page = pick([
          '/healthz',
          '/',
          '/chat',
          '/kiosk',
          '/agent',
          '/agent/review',
          '/web/config.json',
          '/locales/zh-CN/web.json',
          '/locales/bo/review.json',
          '/api/matters',
          '/embed.js',
          '/favicon.ico',
          '/staff/session',
        ]);
        const bad = pick([
          '/locales/xx/web.json',
          '/assets/0/js/x.js',
          `/assets/${percentEncode(text().slice(0, 20))}/css/a.css`,
          `/${percentEncode(text().slice(0, 30))}`,
          '/api/nope',
          '/v3/directline/nope',
        ]);
        return {
          label: 'pages',
          path: int(3) ? page : bad,
          init: int(6) === 0 ? { method: pick(['PUT', 'DELETE', 'PATCH']) } : {},
          jsonErrors: !page.startsWith('/agent'),
        };
      }
      case 15:
        return {
          label: 'messages',
          path: '/api/messages',
          init: json(
            pick([
              deep(),
              `{"type":"message","text":${deep()}}`,
              JSON.stringify({
                type: 'message',
                channelId: 'emulator',
                serviceUrl: pick(['http://169.254.169.254/', 'https://evil.example/', 'file:///etc/passwd']),
                conversation: { id: 'x' },
                text: text(),
              }),
            ]),
          ),
          jsonErrors: true,
        };
      case 0:
        return {
          label: 'search',
          path: `/api/search?q=${percentEncode(text()).slice(0, 12_000)}${int(4) === 0 ? `&q=${percentEncode(text().slice(0, 20))}` : ''}${int(4) === 0 ? '&lang=xx' : ''}`,
          init: {},
          jsonErrors: true,
        };
      case 1:
        return {
          label: 'offices',
          path: int(5) === 0 ? `/api/offices?q=%E4%${int(2) ? 'FF' : 'zz'}` : `/api/offices?q=${percentEncode(text()).slice(0, 12_000)}`,
          init: {},
          jsonErrors: true,
        };
      case 2:
        return {
          label: 'matter',
          path: `/api/matters/${percentEncode(pick(['0', '1', '31', '32', '-1', '1e3', '99999999999', text().slice(0, 30)]))}`,
          init: {},
          jsonErrors: true,
        };
      case 3:
      case 4: {
        const base = {
          type: 'message',
          channelId: 'emulator',
          serviceUrl: 'http://127.0.0.1:9/',
          deliveryMode: 'expectReplies',
          conversation: { id: `fuzz-${int(5)}` },
          from: { id: 'u' },
          recipient: { id: 'b' },
          text: text(),
        };
        const body = mutate(base);
        // Never let a mutation make CloudAdapter post replies to serviceUrl (a real network call).
        return { label: 'messages', path: '/api/messages', init: post(body.includes('expectReplies') ? body : '{}'), jsonErrors: true };
      }
      case 5:
      case 6: {
        const base = {
          type: pick(['message', 'message', 'event', 'typing', 'conversationUpdate']),
          from: { id: 'fuzzer' },
          text: text(),
          name: 'x',
          value: anyValue(),
        };
        const id = int(6) === 0 ? pick(['nope', '..', percentEncode(text().slice(0, 10)), conversations[0]!.id]) : conv.id;
        const token = int(8) === 0 ? pick(['', 'undefined', 'a.b.c', conversations[1]!.token]) : conv.token;
        return {
          label: 'dl-post',
          path: `/v3/directline/conversations/${id}/activities`,
          init: post(mutate(base), { authorization: `Bearer ${token}` }),
          jsonErrors: true,
        };
      }
      case 7: {
        const watermark = pick(['', '0', '5', '-1', '1e9', 'abc', '99999999999999999999']);
        return {
          label: 'dl-get',
          path: `/v3/directline/conversations/${conv.id}/activities?watermark=${watermark}`,
          init: { headers: { authorization: `Bearer ${int(6) === 0 ? 'x' : conv.token}` } },
          jsonErrors: true,
        };
      }
      default: {
        if (int(4) === 0)
          return {
            label: 'admin',
            path: pick(['/api/admin/review?days=0', '/api/admin/summary?days=1000', '/api/admin/review']),
            init: { headers: int(2) ? { cookie } : {} },
            jsonErrors: true,
          };
        const user = `oFuzz${int(5)}`;
        const body =
          int(3) === 0
            ? pick(XML_BOMBS)
            : int(2)
              ? `<xml><ToUserName>gh</ToUserName><FromUserName>${user}</FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType>text</MsgType><Content><![CDATA[${text().slice(0, 2000)}]]></Content><MsgId>${int(1e9)}</MsgId></xml>`
              : text().slice(0, 70_000);
        return { label: 'wechat', path: 'wechat', init: { method: 'POST', body }, jsonErrors: false };
      }
    }
  };
}

/** `{"error":{"code","message"}}` with a message of some substance. */
function saysWhatIsWrong(body: string): boolean {
  try {
    const { error } = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    return typeof error?.code === 'string' && error.code !== '' && typeof error.message === 'string' && error.message.length >= 6;
  } catch {
    return false;
  }
}

describe('fuzz: generated requests over every endpoint', () => {
  it(`${REQUESTS} requests (seed ${SEED}): nothing answers 5xx, every 4xx says what is wrong, the server stays up`, { timeout: TIMEOUT_MS }, async () => {
    const next = generator(seededRandom(SEED));
    const wechat = new WeChatServer(live.base, false);
    const seen = new Map<string, number>();
    const failures: string[] = [];
    let issued = 0;
    const worker = async (): Promise<void> => {
      while (issued < REQUESTS) {
        issued++;
        const r = next();
        let status: number;
        let body: string;
        let contentType: string | null;
        if (r.path === 'wechat') {
          const answer = await wechat.send({}, { rawBody: String(r.init.body) });
          [status, body, contentType] = [answer.status, answer.body, answer.contentType];
        } else {
          const res = await fetch(live.base + r.path, r.init);
          [status, body, contentType] = [res.status, await res.text(), res.headers.get('content-type')];
        }
        seen.set(`${r.label} ${status}`, (seen.get(`${r.label} ${status}`) ?? 0) + 1);
        const bad = status >= 500 || (status >= 400 && r.jsonErrors && !(contentType?.includes('application/json') && saysWhatIsWrong(body)));
        if (bad) failures.push(`${r.label} ${r.path.slice(0, 80)} → ${status} ${body.slice(0, 160)}`);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    expect(failures.slice(0, 20), `seed ${SEED}: ${failures.length} failures`).toEqual([]);
    expect(issued).toBeGreaterThanOrEqual(REQUESTS);
    // The run reached every kind of endpoint, with both accepted and refused requests.
    for (const label of [
      'search',
      'offices',
      'matter',
      'messages',
      'dl-post',
      'dl-get',
      'dl-open',
      'dl-info',
      'wechat',
      'admin',
      'admin-post',
      'qr',
      'staff',
      'pages',
    ]) {
      // A resolve of made-up ids has nothing to resolve: only its refusals are expected.
      if (label !== 'admin-post')
        expect(
          [...seen.keys()].some((k) => k.startsWith(`${label} 2`)),
          `${label} answered 2xx at least once`,
        ).toBe(true);
      expect(
        [...seen.keys()].some((k) => k.startsWith(`${label} 4`)),
        `${label} answered 4xx at least once`,
      ).toBe(true);
    }
    const health = await fetch(`${live.base}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});
