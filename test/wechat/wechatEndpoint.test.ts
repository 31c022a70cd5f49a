import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Localizer } from '../../bot/i18n/localizer.js';
import type { KnowledgeBase } from '../../bot/knowledge/knowledgeBase.js';
import { wechatSignature } from '../../bot/wechat/wechatSignature.js';
import { ACCOUNT, messageXml, startService, TOKEN, type Answer, type Running } from './wechatSimulator.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
let userNo = 0;
const newUser = (): string => `oUser_${process.pid}_${++userNo}`;

const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><ToUserName>${ACCOUNT}</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>`;
const XXE = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>${ACCOUNT}</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>2</MsgId></xml>`;

describe.each([
  ['plaintext mode', false],
  ['safe mode', true],
])('/wechat in %s', (_mode, safeMode) => {
  let run: Running;
  let kb: KnowledgeBase;
  let l10n: Localizer;
  const turns = (): number => run.service.wechat!.turns;
  const content = (a: Answer): string => {
    expect(a.status).toBe(200);
    expect(a.reply, a.body).toBeDefined();
    return a.reply!.Content!;
  };
  /** Reads every page of a long reply with 更多, checking each page's size and hint; the pages joined without hints. */
  const readAll = async (user: string, first: Answer): Promise<string> => {
    const hint = l10n.t('zh-CN', 'wechat:more');
    const pages = [content(first)];
    while (pages.at(-1)!.endsWith(hint)) {
      expect(pages.length).toBeLessThan(20);
      const before = turns();
      pages.push(content(await run.wechat.send(run.wechat.text(user, '更多'))));
      expect(turns()).toBe(before); // pages come from the channel, not from another bot turn
    }
    for (const p of pages) expect(bytes(p)).toBeLessThanOrEqual(2048);
    return pages.map((p) => (p.endsWith(hint) ? p.slice(0, -hint.length) : p)).join('\n');
  };
  const refused = (run: Running, reason: string) => run.logs().filter((l) => l.level === 40 && l.reason === reason);

  beforeAll(async () => {
    run = await startService({ safeMode });
    kb = run.service.knowledge;
    l10n = run.service.localizer;
  });
  afterAll(() => run.close());

  it('answers the URL check with echostr, and only when signed with our token', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const q = (token: string, ts = timestamp) =>
      new URLSearchParams({ timestamp: ts, nonce: '42', echostr: 'echo-8213', signature: wechatSignature(token, ts, '42') });
    const ok = await fetch(`${run.base}/wechat?${q(TOKEN)}`);
    expect([ok.status, await ok.text()]).toEqual([200, 'echo-8213']);
    expect((await fetch(`${run.base}/wechat?${q('forged')}`)).status).toBe(401);
    const old = String(Number(timestamp) - 3600);
    expect((await fetch(`${run.base}/wechat?${q(TOKEN, old)}`)).status).toBe(401);
    const missing = await fetch(`${run.base}/wechat?echostr=x`);
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.code).toBe('missing_signature');
  });

  it('welcomes a new follower with the numbered categories, and a number starts that category', async () => {
    const user = newUser();
    const welcome = await run.wechat.send(run.wechat.event(user, 'subscribe'));
    expect(welcome.reply).toMatchObject({ ToUserName: user, FromUserName: ACCOUNT, MsgType: 'text' });
    const text = content(welcome);
    expect(text).toContain(l10n.t('zh-CN', 'welcome'));
    kb.categories.forEach((c, i) => expect(text).toContain(`${i + 1}. ${c.label}`));

    const pick = 4;
    const viaNumber = content(await run.wechat.send(run.wechat.text(user, String(pick))));
    const typed = content(await run.wechat.send(run.wechat.text(newUser(), kb.categories[pick - 1]!.query)));
    expect(viaNumber).toBe(typed);
  });

  it('walks a retiree moving to 成都 to the 异地安置 checklist, answering with numbers, and pages it with 更多', async () => {
    const user = newUser();
    const matter = kb.matter(12)!;
    const filing = matter.questions.find((q) => q.id === 'filingAction')!;
    const delegate = kb.general.delegation.question;
    const before = turns();

    const first = content(await run.wechat.send(run.wechat.text(user, '我退休了，要搬去成都跟女儿一起生活，医保需要办什么')));
    expect(first).toContain(l10n.t('zh-CN', 'matterStart', { title: matter.title }));
    filing.options.forEach((o, i) => expect(first).toMatch(new RegExp(`${i + 1}\\. ${o.label}`)));

    const second = content(await run.wechat.send(run.wechat.text(user, String(filing.options.findIndex((o) => o.id === 'new') + 1))));
    delegate.options.forEach((o, i) => expect(second).toMatch(new RegExp(`${i + 1}\\. ${o.label}`)));

    // Typed with a Chinese keyboard in full-width mode: ２ rather than 2.
    const fullWidth = String.fromCharCode(0xff10 + delegate.options.findIndex((o) => o.id === 'self') + 1);
    const last = await run.wechat.send(run.wechat.text(user, fullWidth));
    const checklist = await readAll(user, last);
    expect(checklist).toContain(l10n.t('zh-CN', 'checklistTitle', { title: matter.title }));
    for (const m of matter.materials.filter((x) => x.when?.filingAction?.includes('new'))) expect(checklist).toContain(m.name);
    const region = kb.offices.find((o) => o.level === 'region')!;
    for (const phone of region.phones) expect(checklist).toContain(phone);
    expect(turns() - before).toBe(3);

    // Nothing left to read: the channel says so rather than sending 更多 to the bot.
    expect(content(await run.wechat.send(run.wechat.text(user, '更多')))).toBe(l10n.t('zh-CN', 'wechat:noMore'));
    expect(turns() - before).toBe(3);
  });

  it('answers a retried message once: same reply, one bot turn', async () => {
    const user = newUser();
    const message = run.wechat.text(user, '生孩子的医疗费怎么报销');
    const before = turns();
    const [a, b] = await Promise.all([run.wechat.send(message), run.wechat.send(message)]);
    const c = await run.wechat.send(message);
    expect(content(a)).not.toBe('');
    expect(content(b)).toBe(content(a));
    expect(content(c)).toBe(content(a));
    expect(turns() - before).toBe(1);
    expect(refused(run, 'duplicate').length).toBeGreaterThanOrEqual(2);

    // Events have no MsgId: FromUserName + CreateTime identify a retry.
    const event = run.wechat.event(newUser(), 'subscribe');
    const e1 = await run.wechat.send(event);
    const e2 = await run.wechat.send(event);
    expect(content(e2)).toBe(content(e1));
    expect(turns() - before).toBe(2);
  });

  it('keeps MsgId as a 64-bit string and Content "0012" as typed', async () => {
    const user = newUser();
    const before = turns();
    // Both ids round to the same JavaScript number; as strings they are two messages.
    const a = await run.wechat.send(run.wechat.text(user, '0012', '9223372036854775801'));
    const b = await run.wechat.send(run.wechat.text(user, '0012', '9223372036854775802'));
    expect(Number('9223372036854775801')).toBe(Number('9223372036854775802'));
    expect(turns() - before).toBe(2);
    expect(content(a)).toContain('“0012”');
    expect(content(b)).toContain('“0012”');
  });

  it('starts a category from a menu click, even in the middle of another question', async () => {
    const category = kb.categories.find((c) => c.id === 'reimburse')!;
    const fresh = content(await run.wechat.send(run.wechat.text(newUser(), category.query)));
    const user = newUser();
    content(await run.wechat.send(run.wechat.text(user, '我退休了，要搬去成都跟女儿一起生活，医保需要办什么')));
    const clicked = content(await run.wechat.send(run.wechat.event(user, 'CLICK', category.id)));
    expect(clicked).toBe(fresh);
    expect(clicked).not.toContain(l10n.t('zh-CN', 'chooseRetry'));
  });

  it('answers what it cannot read politely, and stays silent where no reply is possible', async () => {
    const user = newUser();
    const before = turns();
    const image = { ...run.wechat.text(user, ''), MsgType: 'image', PicUrl: 'http://example.invalid/p.jpg', MediaId: 'm1' };
    delete (image as Record<string, unknown>).Content;
    expect(content(await run.wechat.send(image))).toBe(l10n.t('zh-CN', 'wechat:unsupported'));
    expect(content(await run.wechat.send(run.wechat.event(user, 'CLICK', 'noSuchCategory')))).toBe(l10n.t('zh-CN', 'wechat:unsupported'));
    // A voice message with WeChat's speech recognition on is read as its text.
    const voice = { ...run.wechat.text(user, ''), MsgType: 'voice', MediaId: 'm2', Format: 'amr', Recognition: '帮助' };
    delete (voice as Record<string, unknown>).Content;
    expect(content(await run.wechat.send(voice))).toContain(l10n.t('zh-CN', 'help'));
    expect(turns()).toBe(before + 1);
    // The help text names བོད་ཡིག, yet it is Chinese: the channel's own replies stay Chinese.
    expect(content(await run.wechat.send({ ...image, MsgId: run.wechat.nextMsgId() }))).toBe(l10n.t('zh-CN', 'wechat:unsupported'));
    for (const event of ['unsubscribe', 'VIEW', 'LOCATION']) {
      const a = await run.wechat.send(run.wechat.event(user, event, 'x', Math.floor(Date.now() / 1000) + userNo++));
      expect([a.status, a.body]).toEqual([200, 'success']);
    }
    expect(turns()).toBe(before + 1);
  });

  it('refuses a forged signature with 401, logs the reason without the content, and runs nothing', async () => {
    const before = turns();
    const secret = '我的身份证号是540102199001011234';
    const a = await run.wechat.send(run.wechat.text(newUser(), secret), { forgeSignature: true });
    expect(a.status).toBe(401);
    expect((JSON.parse(a.body) as { error: { code: string } }).error.code).toBe('bad_signature');
    const stale = await run.wechat.send(run.wechat.text(newUser(), secret), { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.status).toBe(401);
    expect(turns()).toBe(before);
    expect(refused(run, 'bad_signature').length).toBeGreaterThan(0);
    expect(refused(run, 'stale_timestamp').length).toBeGreaterThan(0);
    expect(run.logText()).not.toContain('540102');
  });

  it('refuses XML bombs and external entities with 400 and keeps serving', async () => {
    const before = turns();
    // Plaintext: the bomb is the body. Safe mode: the bomb is the body, and also the encrypted message.
    for (const bomb of [BILLION_LAUGHS, XXE]) {
      const outer = await postRaw(run, bomb);
      expect(outer.status).toBe(400);
      expect(outer.code).toBe('forbidden_xml');
      if (safeMode) {
        const inner = await run.wechat.send({}, { rawBody: run.wechat.crypto!.encrypt(bomb) });
        expect(inner.status).toBe(400);
      }
    }
    expect(turns()).toBe(before);
    expect(content(await run.wechat.send(run.wechat.text(newUser(), '帮助')))).toContain(l10n.t('zh-CN', 'help'));
  });

  it('refuses empty, wrong and oversized bodies with clear 4xx', async () => {
    const before = turns();
    expect(await postRaw(run, '')).toMatchObject({ status: 400, code: 'empty_body' });
    expect(await postRaw(run, '{"MsgType":"text"}')).toMatchObject({ status: 400, code: 'malformed_xml' });
    expect(await postRaw(run, messageXml({ MsgType: 'text' }), 'application/json')).toMatchObject({ status: 415 });
    expect((await postRaw(run, `<xml><Content>${'藏'.repeat(30_000)}</Content></xml>`)).status).toBe(413);
    const noSender = { ...run.wechat.text('x', 'hi') } as Record<string, string | number>;
    delete noSender.FromUserName;
    const missing = await run.wechat.send(noSender);
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('FromUserName');
    const put = await fetch(`${run.base}/wechat`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(405);
    expect(turns()).toBe(before);
  });

  if (safeMode) {
    it('refuses a forged msg_signature, another AppID, plaintext and garbage Encrypt', async () => {
      const before = turns();
      const forged = await run.wechat.send(run.wechat.text(newUser(), '你好'), { forgeMsgSignature: true });
      expect([forged.status, JSON.parse(forged.body).error.code]).toEqual([401, 'bad_signature']);
      const other = await run.wechat.send(run.wechat.text(newUser(), '你好'), { encryptFor: 'wxffffffffffffffff' });
      expect([other.status, JSON.parse(other.body).error.code]).toEqual([401, 'appid_mismatch']);
      const plain = await run.wechat.send(run.wechat.text(newUser(), '你好'), { plaintext: true });
      expect([plain.status, JSON.parse(plain.body).error.code]).toEqual([400, 'encryption_required']);
      const garbage = await run.wechat.send({}, { rawBody: 'bm90IGEgY2lwaGVydGV4dA==' });
      expect([garbage.status, JSON.parse(garbage.body).error.code]).toEqual([400, 'bad_encryption']);
      expect(turns()).toBe(before);
      expect(refused(run, 'appid_mismatch').length).toBe(1);
    });
  } else {
    it('refuses an encrypted message when no EncodingAESKey is configured', async () => {
      const body = messageXml({ ToUserName: ACCOUNT, Encrypt: 'AAAA' });
      expect(await postRaw(run, body, 'text/xml', { encrypt_type: 'aes' })).toMatchObject({ status: 400, code: 'encryption_not_configured' });
    });
  }
});

/** A correctly signed POST with an exact body (and no encryption), for bodies no WeChat server would send. */
async function postRaw(run: Running, body: string, contentType = 'text/xml', extra: Record<string, string> = {}): Promise<{ status: number; code?: string }> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const query = new URLSearchParams({ timestamp, nonce: '7', signature: wechatSignature(TOKEN, timestamp, '7'), ...extra });
  if (run.wechat.safeMode && !extra.encrypt_type) {
    query.set('encrypt_type', 'aes');
    query.set('msg_signature', 'unused');
  }
  const res = await fetch(`${run.base}/wechat?${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, code };
}
