import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReviewLog } from '../../bot/feedback/reviewLog.js';
import { APP_ID, TOKEN, WeChatServer } from '../wechat/wechatSimulator.js';
import { DirectLineTestClient, messageKeys, staffCookie, startLiveService, type DlConversation, type LiveService } from '../support/liveService.js';

let live: LiveService;
let dl: DirectLineTestClient;
let cookie: string;

beforeAll(async () => {
  live = await startLiveService();
  dl = new DirectLineTestClient(live.base);
  cookie = await staffCookie(live.base);
});
afterAll(() => live.close());

/** a question the understanding cannot place (`none`): queued, whether or not close matters are offered */
const UNPLACED = '本本的事咋整';

async function admin(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(live.base + url, {
    method,
    headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function search(q: string): Promise<any> {
  return (await fetch(`${live.base}/api/search?q=${encodeURIComponent(q)}`)).json();
}

/** Answers whatever the matter dialog asks (first option, or a county) until the checklist comes. */
async function untilChecklist(conv: DlConversation, question: string): Promise<Array<Record<string, any>>> {
  let replies = await dl.say(conv, question);
  for (let i = 0; i < 12 && !messageKeys(replies).includes('checklist'); i++) {
    const last = replies.at(-1);
    const action = last?.suggestedActions?.actions?.[0];
    const asksPlace = messageKeys(replies).some((k) => /^ask(County|Household|Prefecture)$/.test(k));
    replies = await dl.say(conv, asksPlace ? '城关区' : action ? String(action.value) : '1');
  }
  expect(messageKeys(replies)).toContain('checklist');
  return replies;
}

describe('feedback and the review queue, through real Direct Line conversations', () => {
  it('queues unanswered and unpicked questions and 没帮助, counts 有帮助, and learns a marked question', async () => {
    // Nothing matches this yet, in two wordings from two conversations: close matters are offered, if any.
    expect((await search(UNPLACED)).outcome).toBe('none');
    const nearest = live.service.understanding.understand(UNPLACED).nearest;
    const a = await dl.open();
    expect(messageKeys(await dl.say(a, UNPLACED))[0]).toBe(nearest.length > 0 ? 'unsure' : 'notFound');
    const b = await dl.open();
    expect(messageKeys(await dl.say(b, `${UNPLACED}呢`))).not.toContain('smallTalk.greeting');

    // Greetings, thanks and the like are answered, never queued nor counted as questions.
    const g = await dl.open();
    for (const text of ['你好', '谢谢', '你是谁', '再见']) {
      expect(messageKeys(await dl.say(g, text)).filter((k) => k.startsWith('smallTalk.'))).toHaveLength(1);
    }

    // Ambiguous, and the person picks 都不是.
    const c = await dl.open();
    const ambiguousQuestion = '医保备案';
    expect(messageKeys(await dl.say(c, ambiguousQuestion))).toContain('ambiguous');
    expect(messageKeys(await dl.say(c, '都不是'))).toContain('askWhat');

    // A checklist, then 没帮助 by button (messageBack value) …
    const d = await dl.open();
    const answered = await untilChecklist(d, '我想查一下自己的参保信息');
    const checklist = answered.find((r) => r.channelData?.messageKey === 'checklist')!;
    const matter = checklist.channelData.checklist.no as number;
    const ask = answered.find((r) => r.channelData?.messageKey === 'feedbackAsk')!;
    expect(ask.channelData.matter).toBe(matter);
    expect(ask.suggestedActions.actions.map((x: any) => x.value)).toEqual([
      { feedback: 'up', matter },
      { feedback: 'down', matter },
    ]);
    const down = await dl.say(d, { text: '没帮助', value: { feedback: 'down', matter } });
    expect(messageKeys(down)).toEqual(['feedback:noted']);
    // … and what people usually need next: 转人工 with the office's phone, a new question.
    const office = live.service.knowledge.offices.find((o) => o.name === checklist.channelData.checklist.office)!;
    expect(down[0]!.text).toContain(office.phones[0]);
    expect(down[0]!.suggestedActions.actions.map((x: any) => x.value).slice(-2)).toEqual(['转人工', '问别的问题']);

    // … and 有帮助 typed as words in another conversation.
    const e = await dl.open();
    await untilChecklist(e, '我想查一下自己的参保信息');
    expect(messageKeys(await dl.say(e, '有帮助'))).toEqual(['feedback:thanks']);
    // Without a checklist to rate, the same words are just a message for the bot.
    expect(messageKeys(await dl.say(e, '有帮助'))).not.toContain('feedback:thanks');

    // The review page's API needs a signed-in member of staff.
    expect((await fetch(`${live.base}/api/admin/review`)).status).toBe(401);
    const review = await admin('GET', '/api/admin/review');
    expect(review.status).toBe(200);
    const groups = review.body.groups as any[];
    const unplaced = groups.find((g) => g.variants.includes(UNPLACED));
    expect(unplaced).toMatchObject({ count: 2, reasons: { none: 2, ambiguous: 0, feedback: 0 } });
    expect(unplaced.variants).toContain(`${UNPLACED}呢`);
    // For a question it could not place, the bot's guess is the closest matter all the same.
    if (nearest[0]) expect(unplaced.guesses[0]).toMatchObject({ no: nearest[0].matter.no, title: nearest[0].matter.title });
    const unpicked = groups.find((g) => g.question === ambiguousQuestion);
    expect(unpicked.reasons.ambiguous).toBe(1);
    const expectedGuesses = (await search(ambiguousQuestion)).matches.map((m: any) => m.no);
    expect(unpicked.guesses[0].no).toBe(expectedGuesses[0]);
    const unhelpful = groups.find((g) => g.reasons.feedback === 1);
    expect(unhelpful.guesses[0]).toMatchObject({ no: matter, title: checklist.channelData.checklist.title });
    expect(unhelpful.question).toBe('我想查一下自己的参保信息');

    const today = (await admin('GET', '/api/admin/summary?days=3')).body.days.at(-1);
    // The second 有帮助 (nothing to rate) is neither counted as a question nor queued.
    expect(today).toMatchObject({ questions: 5, matches: 2, ambiguous: 1, fallbacks: 2, feedbackUp: 1, feedbackDown: 1 });
    expect(groups.some((g) => ['有帮助', '你好', '谢谢', '你是谁', '再见'].includes(g.question))).toBe(false);
    expect(today.topUnanswered[0]).toMatchObject({ count: 2 });

    // Mark the group "should match matter 3" (城乡居民参保登记 covers a unplaced), reload, and it matches.
    const resolved = await admin('POST', '/api/admin/review/resolve', { ids: unplaced.ids, matter: 3 });
    expect(resolved.body).toMatchObject({ resolved: 2, matter: 3, learned: expect.stringContaining(UNPLACED) });
    expect((await search(UNPLACED)).outcome).toBe('none');
    expect((await admin('POST', '/api/admin/reload')).body).toMatchObject({ reloaded: true, learnedExamples: 1 });
    const after = await search(UNPLACED);
    expect(after.outcome).toBe('match');
    expect(after.matches[0].no).toBe(3);

    const stored = JSON.parse(await readFile(path.join(live.dataDir, 'learned', 'examples.json'), 'utf8'));
    expect(stored.examples).toEqual([expect.objectContaining({ matter: 3, text: resolved.body.learned })]);
    expect((await admin('GET', '/api/admin/review')).body.groups.some((g: any) => g.ids.some((id: string) => unplaced.ids.includes(id)))).toBe(false);
  });

  it('takes the Tibetan words as a rating too, whatever the language of the conversation', async () => {
    const bo = JSON.parse(await readFile(path.join(live.service.config.localesDir, 'bo', 'feedback.json'), 'utf8')) as Record<string, string>;
    const conv = await dl.open();
    await untilChecklist(conv, '住院费用怎么报销');
    expect(messageKeys(await dl.say(conv, `${bo.down}།`))).toEqual(['feedback:noted']);
  });

  it('refuses bad review requests with a clear 4xx', async () => {
    expect((await admin('POST', '/api/admin/review/resolve', { ids: [], matter: 3 })).status).toBe(400);
    expect((await admin('POST', '/api/admin/review/resolve', { ids: ['2020-01-01_x'], matter: 999 })).body.error.message).toMatch(/matter/);
    expect((await admin('POST', '/api/admin/review/resolve', { ids: ['2020-01-01_x'], matter: 3 })).status).toBe(404);
    expect((await admin('GET', '/api/admin/summary?days=abc')).status).toBe(400);
    const big = await fetch(`${live.base}/api/admin/review/resolve`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['x'.repeat(20_000)] }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as any).error.code).toBe('payload_too_large');
  });
});

describe('feedback on the text channels', () => {
  it('WeChat shows the words after the checklist and records 没帮助 typed back, with the channel', async () => {
    const wxLive = await startLiveService({ WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID }, 'silent');
    try {
      const wx = new WeChatServer(wxLive.base, false);
      const zh = JSON.parse(await readFile(path.join(wxLive.service.config.localesDir, 'zh-CN', 'feedback.json'), 'utf8')) as Record<string, string>;
      const user = 'oFeedbackUser00001';
      let reply = (await wx.send(wx.text(user, '我想查一下自己的参保信息'))).reply?.Content ?? '';
      for (let i = 0; i < 6 && !reply.includes(zh.askText!); i++) reply = (await wx.send(wx.text(user, '城关区'))).reply?.Content ?? '';
      expect(reply).toContain(zh.askText);
      const noted = (await wx.send(wx.text(user, zh.down!))).reply?.Content ?? '';
      expect(noted.startsWith(zh.noted!)).toBe(true);
      // The next steps come as numbers, and a number answers them.
      const newQuestion = noted.split('\n').find((l) => l.endsWith('. 问别的问题'))!;
      expect(newQuestion).toBeDefined();
      await wx.send(wx.text(user, newQuestion.split('.')[0]!));
      // A new question after that: the words are no longer a rating.
      await wx.send(wx.text(user, '住院费用怎么报销'));
      expect((await wx.send(wx.text(user, zh.up!))).reply?.Content).not.toBe(zh.thanks);
      const log = new ReviewLog({ dir: path.join(wxLive.dataDir, 'review'), retentionMs: 86_400_000 });
      const feedback = (await log.events(1)).filter((e) => e.kind === 'feedback');
      const matter = wxLive.service.understanding.understand('我想查一下自己的参保信息').matches[0]!.matter.no;
      expect(feedback).toEqual([expect.objectContaining({ channel: 'wechat', value: 'down', matter, question: '我想查一下自己的参保信息' })]);
    } finally {
      await wxLive.close();
    }
  });
});
