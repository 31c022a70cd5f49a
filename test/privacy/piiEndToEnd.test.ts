import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient, messageKeys, startLiveService, type LiveService } from '../support/liveService.js';
import { APP_ID, TOKEN, WeChatServer } from '../wechat/wechatSimulator.js';

const ID = '540102198506151234';
const ID_X = '54010219900101123X';
const MOBILE = '13908912345';
const CARD = '6222021234567890128'; // passes the Luhn check
const FULL_WIDTH_MOBILE = '１３９０８９１２３４５';
const RAW = [ID, ID_X, MOBILE, CARD, FULL_WIDTH_MOBILE, '139 0891 2345'];
const MASKED = ['**************1234', '**************123X', '139****2345', '***************0128'];

/** A question the bot cannot place (so it reaches the review queue), carrying every kind of number. */
const question = (channel: string): string =>
  `${channel}：身份证${ID}，另一个${ID_X}，手机${MOBILE}，也可打 139 0891 2345，卡号${CARD}，全角${FULL_WIDTH_MOBILE}，今天天气咋样`;

let live: LiveService;

beforeAll(async () => {
  live = await startLiveService({ WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID });
});
afterAll(() => live.close());

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

describe('personal numbers never reach disk or logs', () => {
  it('masks ID, phone and card numbers sent through /api/messages, Direct Line, /wechat and /api/search', async () => {
    // Bot Framework channel; expectReplies brings the replies back in the response.
    const bf = await fetch(`${live.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'a1',
        channelId: 'emulator',
        serviceUrl: 'http://127.0.0.1:9/',
        deliveryMode: 'expectReplies',
        conversation: { id: 'bf-privacy' },
        from: { id: 'user-1' },
        recipient: { id: 'bot' },
        text: question('emulator'),
      }),
    });
    expect(bf.status).toBe(200);
    const bfReplies = ((await bf.json()) as { activities: any[] }).activities;
    expect(messageKeys(bfReplies)).toContain('notFound');

    const dl = new DirectLineTestClient(live.base);
    const conv = await dl.open();
    expect(messageKeys(await dl.say(conv, question('directline')))).toContain('notFound');
    // The Direct Line transcript holds the masked text too: the person sees what was kept.
    const transcript = await fetch(`${live.base}/v3/directline/conversations/${conv.id}/activities`, { headers: { authorization: `Bearer ${conv.token}` } });
    const mine = ((await transcript.json()) as { activities: any[] }).activities.find((a) => a.from?.role === 'user');
    expect(mine.text).toContain(MASKED[0]);
    expect(mine.text).not.toContain(ID);
    // A matter question: the dialog keeps the opening words in the conversation's state.
    const matterTurn = await dl.say(await dl.open(), `退休了去外地养老，医保要备案吗，我的电话${MOBILE}，身份证${ID}`);
    expect(messageKeys(matterTurn)).toContain('matterStart');

    const wechat = new WeChatServer(live.base, false);
    const wx = await wechat.send(wechat.text('oPrivacyUser000001', question('wechat')));
    expect(wx.status).toBe(200);

    const search = await fetch(`${live.base}/api/search?q=${encodeURIComponent(`${ID} ${MOBILE} ${CARD} 住院报销`)}`);
    expect(search.status).toBe(200);

    // Every file the service wrote, and every log line.
    const files = await filesUnder(live.dataDir);
    const contents = await Promise.all(files.map((f) => readFile(f, 'utf8')));
    const disk = contents.join('\n');
    const logs = live.logText();
    for (const raw of RAW) {
      expect(disk, `${raw} on disk`).not.toContain(raw);
      expect(logs, `${raw} in the logs`).not.toContain(raw);
    }
    // The masked forms are there, so the texts above were really written and logged.
    const review = contents.filter((_c, i) => files[i]!.includes(`${path.sep}review${path.sep}`)).join('\n');
    for (const masked of MASKED) expect(review).toContain(masked);
    for (const channel of ['emulator', 'directline', 'wechat']) expect(review).toContain(`${channel}：身份证`);
    const state = contents.filter((_c, i) => files[i]!.includes(`${path.sep}state${path.sep}`)).join('\n');
    expect(state).toContain(MASKED[2]);
    expect(logs).toContain('/api/search?q=');
    expect(logs).toContain(MASKED[2]);
  });
});
