import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, ROOT_DIR } from '../../bot/config/config.js';
import { KnowledgeError } from '../../bot/errors/knowledgeError.js';
import type { KnowledgeBase } from '../../bot/knowledge/knowledgeBase.js';
import { publishWeChatMenu } from '../../bot/wechat/menuPublisher.js';
import { WeChatApiError } from '../../bot/wechat/wechatApiError.js';
import { loadWeChatMenu, menuKeys, type WeChatMenu } from '../../bot/wechat/wechatMenu.js';
import { knowledge } from '../support/services.js';

const run = promisify(execFile);
let kb: KnowledgeBase;
let menu: WeChatMenu;

beforeAll(async () => {
  kb = await knowledge();
  menu = await loadWeChatMenu(loadConfig().knowledgeDir, kb.categories);
});

describe('knowledge/wechatMenu.json', () => {
  it('starts every category of the kiosk exactly once, within WeChat’s limits', () => {
    expect(menuKeys(menu).sort()).toEqual(kb.categories.map((c) => c.id).sort());
    expect(menu.button.length).toBeLessThanOrEqual(3);
    for (const b of menu.button) {
      expect(Buffer.byteLength(b.name, 'utf8')).toBeLessThanOrEqual(16);
      if ('sub_button' in b) {
        expect(b.sub_button.length).toBeLessThanOrEqual(5);
        for (const s of b.sub_button) expect(Buffer.byteLength(s.name, 'utf8')).toBeLessThanOrEqual(60);
      }
    }
  });

  describe('refuses a menu WeChat or the bot would not take', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wechat-menu-'));
    });
    afterAll(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });
    const click = (key: string, name = '按钮') => ({ type: 'click', name, key });
    const cases: [string, unknown, RegExp][] = [
      ['four top-level buttons', { button: [click('enrolment'), click('change'), click('transfer'), click('remote')] }, /button/],
      [
        'six sub-buttons',
        { button: [{ name: '组', sub_button: ['enrolment', 'change', 'transfer', 'remote', 'chronic', 'reimburse'].map((k) => click(k)) }] },
        /sub_button/,
      ],
      ['a 6-character top-level name (18 bytes)', { button: [click('enrolment', '参保登记服务')] }, /16 bytes/],
      ['a key that is no category', { button: [click('pension')] }, /"pension" is not a category id/],
      ['a key used twice', { button: [click('enrolment'), click('enrolment', '再来')] }, /appears twice/],
      ['a view (link) button', { button: [{ type: 'view', name: '官网', url: 'https://example.org' }] }, /wechatMenu\.json/],
    ];
    it.each(cases)('%s', async (_name, content, message) => {
      await fs.writeFile(path.join(dir, 'wechatMenu.json'), JSON.stringify(content));
      const err = await loadWeChatMenu(dir, kb.categories).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KnowledgeError);
      expect((err as Error).message).toMatch(/wechatMenu\.json/);
      expect((err as Error).message).toMatch(message);
    });
  });
});

/** WeChat's API as far as publishing sees it, on loopback. */
interface Stub {
  base: string;
  requests: { method: string; url: string; body: string }[];
  tokenAnswer: unknown;
  menuAnswer: unknown;
  status: number;
}

describe('publishing the menu (local stub of WeChat’s API)', () => {
  let server: Server;
  const stub: Stub = { base: '', requests: [], tokenAnswer: {}, menuAnswer: {}, status: 200 };
  const read = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });

  beforeAll(async () => {
    server = createServer((req, res) => {
      void read(req).then((body) => {
        stub.requests.push({ method: req.method ?? '', url: req.url ?? '', body });
        const answer = req.url?.startsWith('/cgi-bin/token')
          ? stub.tokenAnswer
          : req.url?.startsWith('/cgi-bin/menu/create')
            ? stub.menuAnswer
            : { errcode: 404 };
        res.writeHead(stub.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    stub.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    stub.requests = [];
    stub.tokenAnswer = { access_token: 'ACCESS_TOKEN_1', expires_in: 7200 };
    stub.menuAnswer = { errcode: 0, errmsg: 'ok' };
    stub.status = 200;
  });
  const options = () => ({ apiBase: stub.base, appId: 'wx1234567890abcdef', appSecret: 'secret-1', menu });

  it('gets an access_token with the AppID and secret, then posts the menu as UTF-8 JSON', async () => {
    await publishWeChatMenu(options());
    expect(stub.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
    const tokenUrl = new URL(stub.requests[0]!.url, stub.base);
    expect(tokenUrl.pathname).toBe('/cgi-bin/token');
    expect(Object.fromEntries(tokenUrl.searchParams)).toEqual({ grant_type: 'client_credential', appid: 'wx1234567890abcdef', secret: 'secret-1' });
    const menuUrl = new URL(stub.requests[1]!.url, stub.base);
    expect([menuUrl.pathname, menuUrl.searchParams.get('access_token')]).toEqual(['/cgi-bin/menu/create', 'ACCESS_TOKEN_1']);
    expect(JSON.parse(stub.requests[1]!.body)).toEqual({ button: menu.button });
    expect(stub.requests[1]!.body).toContain(menu.button[0]!.name); // Chinese as is, not \u escapes
  });

  it('stops with WeChat’s errcode when the token or the menu is refused, without leaking the secret', async () => {
    stub.tokenAnswer = { errcode: 40125, errmsg: 'invalid appsecret' };
    const tokenErr = await publishWeChatMenu(options()).catch((e: unknown) => e);
    expect(tokenErr).toBeInstanceOf(WeChatApiError);
    expect(tokenErr).toMatchObject({ step: 'token', errcode: 40125 });
    expect((tokenErr as Error).message).not.toContain('secret-1');
    expect(stub.requests).toHaveLength(1);

    stub.tokenAnswer = { access_token: 'ACCESS_TOKEN_2', expires_in: 7200 };
    stub.menuAnswer = { errcode: 40018, errmsg: 'invalid button name size' };
    await expect(publishWeChatMenu(options())).rejects.toMatchObject({ step: 'menu', errcode: 40018 });

    stub.status = 503;
    await expect(publishWeChatMenu(options())).rejects.toThrow(/HTTP 503/);
  });

  it('npm run wechat:menu publishes through WECHAT_API_BASE, and refuses to run without credentials', async () => {
    const tsx = path.join(ROOT_DIR, 'node_modules', '.bin', 'tsx');
    const script = path.join(ROOT_DIR, 'bot', 'cli', 'publishWechatMenu.ts');
    const env = { ...process.env, WECHAT_API_BASE: stub.base, WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_APP_SECRET: 'secret-1' };
    const ok = await run(tsx, [script], { env, cwd: ROOT_DIR });
    expect(ok.stdout).toMatch(/published/);
    expect(stub.requests.map((r) => new URL(r.url, stub.base).pathname)).toEqual(['/cgi-bin/token', '/cgi-bin/menu/create']);

    const { WECHAT_APP_SECRET: _omit, ...noSecret } = env;
    const refused = await run(tsx, [script], { env: noSecret, cwd: ROOT_DIR }).catch((e: unknown) => e as { code: number; stderr: string });
    expect(refused).toMatchObject({ code: 2 });
    expect((refused as { stderr: string }).stderr).toMatch(/WECHAT_APP_SECRET/);
    expect(stub.requests).toHaveLength(2);
  });
});
