import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ActivityTypes, MessageFactory, type TurnContext } from 'botbuilder';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { Localizer } from '../../bot/i18n/localizer.js';
import { createLogger } from '../../bot/logging/logger.js';
import { WeChatAdapter } from '../../bot/wechat/wechatAdapter.js';
import { WeChatChannel } from '../../bot/wechat/wechatChannel.js';
import { createWeChatRouter } from '../../bot/wechat/wechatRouter.js';
import { TOKEN, WeChatServer, type Answer } from './wechatSimulator.js';

/** A scripted bot: what it received, and a gate that holds its turns until opened. */
const script = {
  received: [] as string[],
  gate: Promise.resolve(),
  open: () => {},
  close() {
    this.gate = new Promise<void>((r) => {
      this.open = r;
    });
  },
};

const LONG = Array.from({ length: 100 }, (_, i) => `${i + 1}. 第${i + 1}行：需要准备的材料和办理时限说明文字`).join('\n');
const TIBETAN_LONG = Array.from({ length: 40 }, (_, i) => `${i + 1}. སྨན་བཅོས་འགན་བཅོལ་གྱི་ཡིག་ཆ་གྲ་སྒྲིག་བྱེད་དགོས།`).join('\n');

async function logic(context: TurnContext): Promise<void> {
  const a = context.activity;
  script.received.push(a.type === ActivityTypes.Message ? (a.text ?? '') : a.type);
  await script.gate;
  if (a.text === 'long') {
    const reply = MessageFactory.text(LONG);
    reply.suggestedActions = {
      to: [],
      actions: [
        { type: 'imBack', title: '甲', value: 'value-甲' },
        { type: 'imBack', title: '乙', value: 'value-乙' },
      ],
    };
    await context.sendActivity(reply);
    return;
  }
  if (a.text === 'tibetan') {
    await context.sendActivity(TIBETAN_LONG);
    return;
  }
  if (a.text === 'card') {
    // A card with its plain text, and a typing indicator: WeChat gets the text only.
    await context.sendActivities([
      { type: 'typing' },
      {
        type: 'message',
        text: '',
        attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: {} }],
        channelData: { plainText: 'card as text' },
      },
    ]);
    return;
  }
  await context.sendActivity(`echo: ${a.text ?? a.type}`);
}

let server: Server;
let wechat: WeChatServer;
let adapter: WeChatAdapter;
let l10n: Localizer;
/** Requests whose whole body the server has read: from there a retry goes straight to wait for the first attempt. */
let received = 0;
const content = (a: Answer): string => {
  expect(a.status).toBe(200);
  return a.reply!.Content!;
};

beforeAll(async () => {
  l10n = await Localizer.load(loadConfig().localesDir);
  adapter = new WeChatAdapter();
  const logger = createLogger('silent');
  const channel = new WeChatChannel({ adapter, logic, localizer: l10n, categories: [], logger, replyTimeoutMs: 2000 });
  const app = express().use(
    '/wechat',
    (req, _res, next) => {
      req.once('end', () => received++);
      next();
    },
    createWeChatRouter({ channel, token: TOKEN, logger }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  wechat = new WeChatServer(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, false);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  script.received = [];
  script.gate = Promise.resolve();
});

describe('WeChat channel over HTTP (scripted bot)', () => {
  it('splits a long reply on line boundaries into pages of at most 2048 bytes, read with 更多', async () => {
    const hint = l10n.t('zh-CN', 'wechat:more');
    const pages = [content(await wechat.send(wechat.text('oLong', 'long')))];
    while (pages.at(-1)!.endsWith(hint)) pages.push(content(await wechat.send(wechat.text('oLong', '更多'))));
    expect(pages.length).toBeGreaterThan(2);
    for (const p of pages) expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(2048);
    const text = pages.map((p) => (p.endsWith(hint) ? p.slice(0, -hint.length).replace(/\n$/, '') : p)).join('\n');
    expect(text).toBe(`${LONG}\n1. 甲\n2. 乙`);
    expect(script.received).toEqual(['long']);
    // The numbers at the end of the last page answer its options.
    content(await wechat.send(wechat.text('oLong', '2')));
    expect(script.received).toEqual(['long', 'value-乙']);
    // Full-width and Tibetan digits count as numbers too; anything else reaches the bot as typed.
    content(await wechat.send(wechat.text('oLong', 'long')));
    content(await wechat.send(wechat.text('oLong', '༡')));
    content(await wechat.send(wechat.text('oLong', 'long')));
    content(await wechat.send(wechat.text('oLong', '２')));
    content(await wechat.send(wechat.text('oLong', '３ ༤')));
    expect(script.received.slice(2)).toEqual(['long', 'value-甲', 'long', 'value-乙', '3 4']);
  });

  it('hints in Tibetan when the reply is Tibetan, and takes the Tibetan word for more', async () => {
    const hint = l10n.t('bo', 'wechat:more');
    const first = content(await wechat.send(wechat.text('oBo', 'tibetan')));
    expect(first.endsWith(hint)).toBe(true);
    const [word] = l10n.words('bo', 'more', 'wechat');
    const second = content(await wechat.send(wechat.text('oBo', word!)));
    expect(second).toContain('སྨན་བཅོས');
    expect(script.received).toEqual(['tibetan']);
  });

  it('sends a card message as its plain text and drops typing indicators', async () => {
    expect(content(await wechat.send(wechat.text('oCard', 'card')))).toBe('card as text');
  });

  it('answers success when the bot misses the deadline, and gives the late reply with the next one', async () => {
    script.close();
    const slow = await wechat.send(wechat.text('oSlow', 'first'));
    expect([slow.status, slow.body]).toEqual([200, 'success']);
    script.open();
    const next = content(await wechat.send(wechat.text('oSlow', 'second')));
    expect(next).toBe(`${l10n.t('zh-CN', 'wechat:late')}\necho: first\n\necho: second`);
    expect(script.received).toEqual(['first', 'second']);
  });

  it('makes a retry that arrives during the first attempt wait for it, then answers both alike', async () => {
    script.close();
    const message = wechat.text('oRetry', 'once');
    const turnsBefore = adapter.turns;
    const receivedBefore = received;
    const first = wechat.send(message);
    const retry = wechat.send(message);
    // Both reach the server while the bot is still held.
    await expect.poll(() => received - receivedBefore).toBe(2);
    script.open();
    const [a, b] = await Promise.all([first, retry]);
    expect(b.body).toBe(a.body);
    expect(adapter.turns - turnsBefore).toBe(1);
    expect(script.received).toEqual(['once']);
  });
});
