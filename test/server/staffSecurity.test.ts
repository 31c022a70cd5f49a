import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { staffCookie, startLiveService, STAFF_TOKEN, type LiveService } from '../support/liveService.js';
import { expectClientError } from './robustnessKit.js';

/**
 * Issue 11, defect 8: admin POSTs had no defence but SameSite (a request with
 * `Origin: https://evil.example` and a valid cookie got 200), and a cookie kept from before
 * /staff/logout went on working.
 */
let live: LiveService | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await live?.close();
  live = undefined;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

const reload = (cookie: string, headers: Record<string, string> = {}) =>
  fetch(`${live!.base}/api/admin/reload`, { method: 'POST', headers: { cookie, ...headers } });
// a cheap state-changing staff request: past the guards it answers 404 (no such review item)
const resolve = (cookie: string, headers: Record<string, string> = {}) =>
  fetch(`${live!.base}/api/admin/review/resolve`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ ids: ['no-such-item'], matter: null }),
  });
const summary = (cookie: string) => fetch(`${live!.base}/api/admin/summary?days=1`, { headers: { cookie } });
const signedIn = async (cookie: string) =>
  ((await (await fetch(`${live!.base}/staff/session`, { headers: { cookie } })).json()) as { signedIn: boolean }).signedIn;
const logout = (cookie: string, headers: Record<string, string> = {}) =>
  fetch(`${live!.base}/staff/logout`, { method: 'POST', headers: { cookie, ...headers } });

describe('staff requests from another origin', () => {
  it('a state-changing staff request with a valid cookie is refused with 403 JSON unless it comes from our own origin', async () => {
    live = await startLiveService({}, 'silent');
    const cookie = await staffCookie(live.base);
    const refusals: Array<[string, Record<string, string>]> = [
      ['foreign Origin', { origin: 'https://evil.example' }],
      ['same host, other scheme', { origin: live.base.replace('http:', 'https:') }],
      ['sandboxed (null) Origin', { origin: 'null' }],
      ['foreign Referer without Origin', { referer: 'https://evil.example/page' }],
      ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site', origin: live.base }],
      ['Sec-Fetch-Site same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
    ];
    for (const [what, headers] of refusals) {
      const body = await expectClientError(await resolve(cookie, headers), 403, what);
      expect(body.message, what).toMatch(/cross-origin staff request refused/);
    }
    // our own pages (fetch sends Origin, or only a Referer), and clients that are not browsers
    expect((await resolve(cookie, { origin: live.base, 'sec-fetch-site': 'same-origin' })).status).toBe(404);
    expect((await resolve(cookie, { referer: `${live.base}/agent/review` })).status).toBe(404);
    expect((await resolve(cookie)).status).toBe(404);
    await expectClientError(await reload(cookie, { origin: 'https://evil.example' }), 403, 'reload from a foreign origin');
    // sign-in and sign-out too: a foreign page can neither sign someone in nor out
    const login = await fetch(`${live.base}/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ token: STAFF_TOKEN }),
    });
    await expectClientError(login, 403, 'foreign sign-in');
    expect(login.headers.get('set-cookie')).toBeNull();
    await expectClientError(await logout(cookie, { origin: 'https://evil.example' }), 403, 'foreign sign-out');
    expect(await signedIn(cookie)).toBe(true);
    // reading stays as it was
    expect((await fetch(`${live.base}/api/admin/summary?days=1`, { headers: { cookie, origin: 'https://evil.example' } })).status).toBe(200);
    // the first test of the file also pays for loading the pipeline (jieba, OpenCC) cold
  }, 90_000);

  it('behind a trusted proxy the origin is the one the proxy was asked for; untrusted forwarding headers are ignored', async () => {
    const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'ylbz.example', 'x-forwarded-for': '203.0.113.5' };
    live = await startLiveService({ TRUST_PROXY: '1' }, 'silent');
    let cookie = await staffCookie(live.base);
    expect((await resolve(cookie, { ...proxied, origin: 'https://ylbz.example' })).status).toBe(404);
    await expectClientError(await resolve(cookie, { ...proxied, origin: live.base }), 403, 'the backend address behind the proxy');
    await live.close();

    live = await startLiveService({}, 'silent');
    cookie = await staffCookie(live.base);
    await expectClientError(await resolve(cookie, { ...proxied, origin: 'https://ylbz.example' }), 403, 'forwarded host not trusted');
    expect((await resolve(cookie, { ...proxied, origin: live.base })).status).toBe(404);
  });
});

describe('staff sessions are revocable on the server', () => {
  it('a cookie kept from before /staff/logout no longer works; another sign-in is untouched', async () => {
    live = await startLiveService({}, 'silent');
    const kept = await staffCookie(live.base);
    const other = await staffCookie(live.base);
    expect((await summary(kept)).status).toBe(200);
    const out = await logout(kept, { origin: live.base });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/staff_session=;/);
    // the attacker (or a shared computer) still has the old cookie value
    await expectClientError(await summary(kept), 401, 'revoked session');
    expect((await resolve(kept)).status).toBe(401);
    expect(await signedIn(kept)).toBe(false);
    const page = await fetch(`${live.base}/agent/review`, { headers: { cookie: kept, accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(303);
    expect((await summary(other)).status).toBe(200);
  });

  it('sessions survive a restart with the same DATA_DIR, and so does a sign-out; a broken session file signs out, never 500', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'yibao-staff-'));
    live = await startLiveService({ DATA_DIR: dataDir }, 'silent');
    const stays = await staffCookie(live.base);
    const leaves = await staffCookie(live.base);
    expect((await logout(leaves)).status).toBe(200);
    await live.close();

    live = await startLiveService({ DATA_DIR: dataDir }, 'silent');
    expect((await summary(stays)).status).toBe(200);
    expect((await summary(leaves)).status).toBe(401);

    // corrupt every session file on disk
    const root = path.join(dataDir, 'staff-sessions');
    for (const shard of await readdir(root)) {
      for (const name of await readdir(path.join(root, shard))) if (name.endsWith('.json')) await writeFile(path.join(root, shard, name), '{"key":');
    }
    await expectClientError(await summary(stays), 401, 'broken session file');
    expect((await summary(await staffCookie(live.base))).status).toBe(200);
  });
});
