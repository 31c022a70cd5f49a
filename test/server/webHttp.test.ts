import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { buildService, type Service } from '../../bot/index.js';
import { createLogger } from '../../bot/logging/logger.js';
import { QR_MAX_BYTES } from '../../bot/server/webRouter.js';

/** The web front ends over real HTTP: compression, caching, CSP, errors, staff sign-in. */
let service: Service;
let server: Server;
let base: string;
let dataDir: string;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'web-http-'));
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  // No STAFF_TOKEN: outside production one is generated and logged once.
  service = await buildService({ NODE_ENV: 'test', DATA_DIR: dataDir, KIOSK_IDLE_SECONDS: '42' }, createLogger('warn', sink));
  server = service.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  service.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await fs.rm(dataDir, { recursive: true, force: true });
});

/** Node's fetch decompresses by itself; these checks need the bytes as sent. */
async function raw(url: string, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(`${base}${url}`, { method: init.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode!, headers: h, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    if (typeof init.body === 'string') req.write(init.body);
    req.end();
  });
}

async function assetUrls(page: string): Promise<string[]> {
  const html = await (await fetch(`${base}${page}`)).text();
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
}

function decode(body: Buffer, encoding: string | null): Buffer {
  if (encoding === 'br') return zlib.brotliDecompressSync(body);
  if (encoding === 'gzip') return zlib.gunzipSync(body);
  return body;
}

describe('pages and assets', () => {
  it.each(['/', '/chat', '/kiosk', '/agent/signin'])('%s is HTML, revalidated, compressed, under a CSP without inline script', async (page) => {
    const res = await raw(page, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(decode(res.body, 'br').toString()).toMatch(/^<!doctype html>/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'self'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // Revalidation answers 304 with no body.
    const again = await raw(page, { 'If-None-Match': res.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('serves every asset a page names compressed (brotli, or gzip when only gzip is accepted) and cached for a year', async () => {
    const urls = [...new Set([...(await assetUrls('/')), ...(await assetUrls('/kiosk')), ...(await assetUrls('/agent/signin'))])];
    // Web Chat's bundle is named by webChat.js (loaded after the first paint), beside the page's own scripts.
    const chatScript = urls.find((u) => u.endsWith('/js/chat.js'))!;
    const webChatModule = await (await fetch(`${base}${chatScript.replace('chat.js', 'webChat.js')}`)).text();
    expect(webChatModule).toContain("'../vendor/webchat.js'");
    urls.push(chatScript.replace('js/chat.js', 'vendor/webchat.js'));
    for (const url of urls) {
      const identity = await raw(url, { 'Accept-Encoding': 'identity' });
      expect(identity.status, url).toBe(200);
      expect(identity.headers.get('cache-control'), url).toBe('public, max-age=31536000, immutable');
      expect(identity.headers.get('content-encoding'), url).toBeNull();
      for (const [accept, encoding] of [
        ['gzip, br', 'br'],
        ['gzip', 'gzip'],
      ] as const) {
        const res = await raw(url, { 'Accept-Encoding': accept });
        expect(res.headers.get('content-encoding'), `${url} ${accept}`).toBe(encoding);
        expect(res.body.length).toBeLessThan(identity.body.length);
        expect(decode(res.body, encoding).equals(identity.body), url).toBe(true);
      }
    }
  });

  it('serves the Tibetan font from its npm package, the CSS naming it', async () => {
    const [css] = (await assetUrls('/')).filter((u) => u.endsWith('common.css'));
    const text = await (await fetch(`${base}${css}`)).text();
    const font = /url\(\.\.\/fonts\/([^)]+\.woff2)\)/.exec(text)![1]!;
    const res = await raw(css!.replace('css/common.css', `fonts/${font}`), { 'Accept-Encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('font/woff2');
    expect(res.body.subarray(0, 4).toString('latin1')).toBe('wOF2');
  });

  it('answers 404 JSON for unknown assets, other versions and paths outside the asset folders', async () => {
    const [js] = (await assetUrls('/')).filter((u) => u.endsWith('chat.js'));
    const version = js!.split('/')[2]!;
    for (const url of [
      `/assets/${version}/js/nope.js`,
      `/assets/000000000000/js/chat.js`,
      `/assets/${version}/vendor/other.js`,
      `/assets/${version}/js/..%2F..%2Fpackage.json`,
      `/assets/${version}/fonts/../../package.json`,
      `/assets/${version}/chat.html`,
    ]) {
      const res = await fetch(`${base}${url}`);
      expect(res.status, url).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code, url).toBe('not_found');
    }
  });

  it('writes a page in the language asked before any script runs: texts, attributes and the strings as inert JSON', async () => {
    for (const lang of ['zh-CN', 'bo'] as const) {
      const strings = JSON.parse(await fs.readFile(path.join(loadConfig().localesDir, lang, 'web.json'), 'utf8')) as {
        chat: { title: string };
        common: { loading: string; langSwitch: string };
      };
      const html = await (await fetch(`${base}/chat?lang=${lang}`)).text();
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).toContain(`<h1 data-i18n="chat.title">${strings.chat.title}</h1>`);
      expect(html).toContain(`data-i18n="common.loading">${strings.common.loading}</p>`);
      expect(html).toContain(`aria-label="${strings.common.langSwitch}"`);
      // A data block the CSP lets stand (it never runs), holding the language's whole web.json.
      const block = /<script type="application\/json" id="web-strings">([^<]*)<\/script>/.exec(html)![1]!;
      expect(JSON.parse(block)).toEqual({ lang, strings });
    }
    // Anything else asked for is Chinese.
    expect(await (await fetch(`${base}/chat?lang=xx`)).text()).toContain('<html lang="zh-CN">');
  });

  it('serves the UI strings of both languages and 404 for others', async () => {
    for (const lang of ['zh-CN', 'bo']) {
      const res = await fetch(`${base}/locales/${lang}/web.json`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { webchat: Record<string, string> };
      expect(body.webchat.TEXT_INPUT_PLACEHOLDER).toBe(service.localizer.t(lang as 'zh-CN' | 'bo', 'web:webchat.TEXT_INPUT_PLACEHOLDER'));
    }
    const res = await fetch(`${base}/locales/en/web.json`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/zh-CN, bo/);
  });

  it('gives pages the kiosk idle time and the categories (Tibetan where the knowledge has it)', async () => {
    const config = (await (await fetch(`${base}/web/config.json`)).json()) as { kioskIdleSeconds: number; categories: { id: string; label: { bo: string } }[] };
    expect(config.kioskIdleSeconds).toBe(42);
    expect(config.categories.map((c) => c.id)).toEqual(service.knowledge.categories.map((c) => c.id));
    service.knowledge.categories.forEach((c, i) => expect(config.categories[i]!.label.bo).toBe(c.bo?.label.text ?? c.label));
  });
});

describe('Direct Line token and QR endpoints', () => {
  it('hands out a conversation-scoped token that opens its conversation', async () => {
    const res = await fetch(`${base}/api/directline/token`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { token, conversationId } = (await res.json()) as { token: string; conversationId: string };
    const open = await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(open.status).toBe(201);
    expect(((await open.json()) as { conversationId: string }).conversationId).toBe(conversationId);
  });

  it('draws a QR code as SVG, and refuses a missing or too long text with a clear 4xx', async () => {
    const ok = await fetch(`${base}/web/qr`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: '异地安置退休人员备案' }),
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await ok.text()).toMatch(/^<svg/);
    const missing = await fetch(`${base}/web/qr`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/text/);
    const long = await fetch(`${base}/web/qr`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: '材'.repeat(QR_MAX_BYTES) }),
    });
    expect(long.status).toBe(413);
    const broken = await fetch(`${base}/web/qr`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":' });
    expect(broken.status).toBe(400);
  });
});

describe('staff sign-in', () => {
  const token = () => service.config.staffToken;

  it('generated a token when STAFF_TOKEN is unset and logged it once, as a warning', () => {
    const lines = logLines.filter((l) => JSON.stringify(l).includes(token()));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe(40);
    expect(token().length).toBeGreaterThanOrEqual(16);
  });

  it('refuses to start in production without STAFF_TOKEN, and a STAFF_TOKEN under 16 characters anywhere', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/STAFF_TOKEN/);
    expect(() => loadConfig({ NODE_ENV: 'development', STAFF_TOKEN: 'short' })).toThrow(/STAFF_TOKEN/);
    expect(loadConfig({ NODE_ENV: 'production', STAFF_TOKEN: 'a-long-enough-staff-token' }).staffToken).toBe('a-long-enough-staff-token');
    expect(loadConfig({}).staffToken).not.toBe(loadConfig({}).staffToken);
  });

  it('sends pages to the sign-in and answers API-style requests with 401 JSON', async () => {
    const page = await fetch(`${base}/agent`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/agent/signin?next=%2Fagent');
    const json = await fetch(`${base}/agent`, { headers: { Accept: 'application/json' } });
    expect(json.status).toBe(401);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('signs in with the token (HttpOnly, SameSite=Strict cookie), rejects tampered cookies, signs out', async () => {
    const login = await fetch(`${base}/staff/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: token() }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const session = cookie.split(';')[0]!;
    const page = await fetch(`${base}/agent`, { headers: { Cookie: session }, redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/agent\.js/);
    const tampered = session.replace(/=(\d)/, (_m, d: string) => `=${(Number(d) + 1) % 10}`);
    expect((await fetch(`${base}/agent`, { headers: { Cookie: tampered }, redirect: 'manual' })).status).toBe(303);
    const logout = await fetch(`${base}/staff/logout`, { method: 'POST', headers: { Cookie: session } });
    expect(logout.headers.get('set-cookie')).toMatch(/staff_session=;/);
  });

  it('says what is wrong with a bad sign-in, and throttles repeated failures even for the right token', async () => {
    const post = (body: string) => fetch(`${base}/staff/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const missing = await post('{}');
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/token/);
    expect((await post('{"token":')).status).toBe(400);
    let wrong = await post(JSON.stringify({ token: 'wrong-token-wrong-token' }));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe('wrong staff token');
    for (let i = 0; i < 12 && wrong.status !== 429; i++) wrong = await post(JSON.stringify({ token: 'wrong-token-wrong-token' }));
    expect(wrong.status).toBe(429);
    const right = await post(JSON.stringify({ token: token() }));
    expect(right.status).toBe(429);
  });
});
