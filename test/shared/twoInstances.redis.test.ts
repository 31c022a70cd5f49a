import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_TOKEN, staffCookie } from '../support/liveService.js';
import { startRedisServer, type TestRedis } from '../support/redisServer.js';
import { startService, wechatUser, type Running } from '../wechat/wechatSimulator.js';
import { RedisWeChatSessions } from '../../bot/wechat/redisWeChatSessions.js';

/**
 * Two whole services on one private Redis, as two instances behind a balancer: what issue 13 says
 * they share besides conversation state. Each test is its own client (its own X-Forwarded-For
 * address through TRUST_PROXY=loopback), so budgets do not leak between tests.
 */
const PER_MINUTE = 6;
let redis: TestRedis;
let a: Running;
let b: Running;
beforeAll(async () => {
  redis = await startRedisServer();
  const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'yibao-two:', RATE_LIMIT_PER_MINUTE: String(PER_MINUTE), TRUST_PROXY: 'loopback' };
  [a, b] = await Promise.all([startService({ safeMode: false, env }), startService({ safeMode: false, env })]);
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await redis?.stop();
});

const as = (client: string): Record<string, string> => ({ 'x-forwarded-for': client });

describe('two instances on one Redis', () => {
  it('spend one rate budget per client between them, not one each', async () => {
    const statuses: number[] = [];
    // alternately, twice the budget: in memory each instance would allow PER_MINUTE of its own
    for (let i = 0; i < PER_MINUTE * 2; i++) {
      const run = i % 2 === 0 ? a : b;
      const res = await fetch(`${run.base}/api/search?q=${encodeURIComponent('住院报销')}`, { headers: as('127.0.0.21') });
      statuses.push(res.status);
      if (res.status === 429) expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_many_requests');
      else await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(PER_MINUTE);
    expect(statuses.slice(PER_MINUTE).every((s) => s === 429)).toBe(true);
    // another client still has its whole budget, on either instance
    expect((await fetch(`${b.base}/api/search?q=x`, { headers: as('127.0.0.22') })).status).toBe(200);
    const admin = new Redis(redis.url);
    try {
      expect((await admin.keys('yibao-two:rl:chat:*')).length).toBeGreaterThan(0);
    } finally {
      admin.disconnect();
    }
  });

  it('run one WeChat message delivered to both instances once, and answer both copies alike', async () => {
    const user = `oTwice_${process.pid}`;
    const message = a.wechat.text(user, '住院了怎么报销');
    const turnsBefore = a.service.wechat!.turns + b.service.wechat!.turns;
    // WeChat's retry of one MsgId reaching the other instance while the first still runs
    const [x, y] = await Promise.all([a.wechat.send(message), b.wechat.send(message)]);
    expect(x.status).toBe(200);
    expect(y.status).toBe(200);
    expect(a.service.wechat!.turns + b.service.wechat!.turns - turnsBefore).toBe(1);
    expect(y.body).toBe(x.body);
    expect(x.reply?.Content ?? '').not.toBe('');
    // and a later retry to either is answered from Redis without a turn
    const again = await b.wechat.send(message);
    expect(again.body).toBe(x.body);
    expect(a.service.wechat!.turns + b.service.wechat!.turns - turnsBefore).toBe(1);
  });

  it("keep a WeChat user's unread pages in Redis: 更多 on the other instance reads the next page, then nothing is left", async () => {
    const user = `oPages_${process.pid}`;
    const l10n = a.service.localizer;
    // one MsgId sequence for both, as WeChat has: each simulator alone would reuse the other's ids
    const say = wechatUser(user, a.wechat);
    // 住院费用报销 with every situation ticked: a checklist longer than one WeChat reply; the turns alternate between instances
    await say(a, '住院了怎么报销');
    await say(b, '1 2 3 4 5 6 7');
    await say(a, '1');
    const first = await say(a, '江孜县');
    const hint = l10n.t('zh-CN', 'wechat:more');
    expect(first.endsWith(hint), first).toBe(true);
    // B never answered this turn: its next page can only come from Redis
    let page = await say(b, '更多');
    expect(page).not.toBe(l10n.t('zh-CN', 'wechat:noMore'));
    expect(page).not.toBe(first);
    for (let i = 0; i < 10 && page.endsWith(hint); i++) page = await say(i % 2 === 0 ? a : b, '更多');
    expect(await say(a, '更多')).toBe(l10n.t('zh-CN', 'wechat:noMore'));
  });

  it('give two 更多 from one WeChat user reaching both instances at once two different pages, and lose none', async () => {
    const l10n = a.service.localizer;
    const admin = new Redis(redis.url);
    try {
      // Unread pages as a long reply leaves them, put there through the service's own store; several users at once, so
      // that the two messages of at least one of them meet inside the read-modify-write if it is not guarded.
      const sessions = new RedisWeChatSessions({ client: admin, keyPrefix: 'yibao-two:', ttlMs: 60_000 });
      const users = Array.from({ length: 6 }, (_, i) => `oRace${i}_${process.pid}`);
      const pages = ['第一页', '第二页', '第三页'];
      await Promise.all(users.map((u) => sessions.save(u, { pages: [...pages], actions: [], late: [], lang: 'zh-CN' })));
      // all twelve from one address at once, as WeChat's servers send them, over a door budget of PER_MINUTE: only refusals count there
      const more = (run: Running, user: string): Promise<string> => wechatUser(user, a.wechat)(run, '更多');
      const read = await Promise.all(users.map((u) => Promise.all([more(a, u), more(b, u)])));
      // each user read page one and page two, one on each instance, never the same page twice
      for (const pair of read) expect([...pair].sort()).toEqual(['第一页', '第二页'].sort());
      // and page three is still there for everyone, then nothing
      for (const u of users) expect(await more(b, u)).toBe('第三页');
      expect(await more(a, users[0]!)).toBe(l10n.t('zh-CN', 'wechat:noMore'));
    } finally {
      admin.disconnect();
    }
  });

  it('verify a staff sign-in made on one instance on the other, and a sign-out on either ends it on both', async () => {
    const login = await fetch(`${a.base}/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: a.base },
      body: JSON.stringify({ token: STAFF_TOKEN }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const signedIn = async (run: Running): Promise<unknown> =>
      ((await (await fetch(`${run.base}/staff/session`, { headers: { cookie } })).json()) as { signedIn: unknown }).signedIn;
    expect(await signedIn(b)).toBe(true);
    // the staff API itself, not only the session probe
    expect((await fetch(`${b.base}/api/admin/notices`, { headers: { cookie } })).status).toBe(200);
    const logout = await fetch(`${b.base}/staff/logout`, { method: 'POST', headers: { cookie, origin: b.base } });
    expect(logout.status).toBeLessThan(300);
    expect(await signedIn(a)).toBe(false);
    expect((await fetch(`${a.base}/api/admin/notices`, { headers: { cookie } })).status).toBe(401);
  });

  it('show staff on either instance one review queue, and a reload on one re-indexes both with what was learned', async () => {
    const question = '火星上的医保咋整呢';
    const search = async (run: Running): Promise<{ outcome: string; matches: Array<{ no: number }> }> =>
      (await (await fetch(`${run.base}/api/search?q=${encodeURIComponent(question)}`, { headers: as('127.0.0.23') })).json()) as {
        outcome: string;
        matches: Array<{ no: number }>;
      };
    expect((await search(b)).matches[0]?.no).not.toBe(7);
    // a question nobody can answer, asked on A
    const asked = await a.wechat.send(a.wechat.text(`oReview_${process.pid}`, question, a.wechat.nextMsgId()));
    expect(asked.status).toBe(200);
    // staff signed in on B see it in B's queue
    const cookie = await staffCookie(b.base);
    const queue = async (): Promise<Array<{ key: string; question: string }>> =>
      ((await (await fetch(`${b.base}/api/admin/review`, { headers: { cookie } })).json()) as { groups: Array<{ key: string; question: string }> }).groups;
    await expect.poll(async () => (await queue()).map((g) => g.question), { timeout: 10_000 }).toContain(question);
    const group = (await queue()).find((g) => g.question === question)!;
    // resolved on B as matter 7, the phrase learned
    const resolved = await fetch(`${b.base}/api/admin/review/resolve`, {
      method: 'POST',
      headers: { cookie, origin: b.base, 'content-type': 'application/json' },
      body: JSON.stringify({ group: group.key, matter: 7 }),
    });
    expect(resolved.status).toBe(200);
    // gone from A's queue too
    const cookieA = await staffCookie(a.base);
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${a.base}/api/admin/review`, { headers: { cookie: cookieA } })).json()) as { groups: Array<{ question: string }> }).groups.map(
            (g) => g.question,
          ),
        { timeout: 10_000 },
      )
      .not.toContain(question);
    // learned but not yet re-indexed anywhere
    expect((await search(b)).matches[0]?.no).not.toBe(7);
    // a reload on A re-indexes B as well (B was never asked to)
    const reload = await fetch(`${a.base}/api/admin/reload`, { method: 'POST', headers: { cookie: cookieA, origin: a.base } });
    expect(((await reload.json()) as { learnedExamples: number }).learnedExamples).toBe(1);
    await expect.poll(async () => (await search(b)).matches[0]?.no, { timeout: 10_000 }).toBe(7);
  });
});
