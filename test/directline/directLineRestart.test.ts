import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient, messageKeys, startLiveService, type LiveService } from '../support/liveService.js';
import { tokenUser } from './harness.js';

const SECRET = 'restart-secret-restart-secret-0123456789';
let dataDir: string;
let live: LiveService | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'yibao-dl-restart-'));
});
afterAll(async () => {
  await live?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const start = (): Promise<LiveService> => startLiveService({ DATA_DIR: dataDir, DIRECTLINE_SECRET: SECRET }, 'warn');
const texts = (activities: Array<Record<string, any>>): string => activities.map((a) => String(a.text ?? '')).join('\n');

describe('Direct Line across a restart (embedded: DATA_DIR)', () => {
  it('the conversation, its history and its token still work after the service restarts on the same DATA_DIR', async () => {
    live = await start();
    let dl = new DirectLineTestClient(live.base);
    const conv = await dl.open();
    await dl.say(conv, '转人工');
    expect(messageKeys(await dl.say(conv, '江孜'))).toEqual(['human']);
    const before = conv.watermark;
    expect(await readdir(path.join(dataDir, 'directline'))).toContain(`${conv.id}.json`);
    await live.close();

    live = await start();
    dl = new DirectLineTestClient(live.base);
    // The whole history, read with the old token from the new process.
    const history = await dl.replies({ ...conv, watermark: '' });
    expect(texts(history)).toContain('江孜县医疗保障部门');
    expect(conv.watermark).toBe(before);
    // And it goes on: the bot still knows where this person is (state under DATA_DIR/state, the token's user).
    const replies = await dl.say(conv, '转人工');
    expect(messageKeys(replies)).toEqual(['human']);
    expect(texts(replies)).toContain('江孜县');
    // Positions go on from where they were: nothing is handed out twice.
    expect(Number(conv.watermark)).toBeGreaterThan(Number(before));
  }, 120_000);

  it("a forged from.id is replaced by the token's user: it cannot read another person's remembered county", async () => {
    live ??= await start();
    const dl = new DirectLineTestClient(live.base);
    const victim = await dl.open();
    await dl.say(victim, '转人工');
    expect(texts(await dl.say(victim, '江孜'))).toContain('江孜县');
    const victimId = tokenUser(victim.token);

    const attacker = await dl.open();
    const res = await dl.post(attacker, { text: '转人工', from: { id: victimId } });
    expect(res.status).toBe(200);
    const all = await dl.replies({ ...attacker, watermark: '' });
    const echo = (await fetchAll(live.base, attacker)).find((a) => a.from?.role === 'user');
    expect(echo?.from.id).toBe(tokenUser(attacker.token));
    expect(echo?.from.id).not.toBe(victimId);
    // Asked where they are, as anyone new (askCounty), not offered the victim's 江孜县 back (earlierPlace) nor its phone.
    expect(messageKeys(all)).toContain('askCounty');
    expect(messageKeys(all)).not.toContain('earlierPlace');
    expect(texts(all)).not.toContain('8178480');
  }, 60_000);
});

async function fetchAll(base: string, conv: { id: string; token: string }): Promise<Array<Record<string, any>>> {
  const res = await fetch(`${base}/v3/directline/conversations/${conv.id}/activities`, { headers: { authorization: `Bearer ${conv.token}` } });
  return ((await res.json()) as { activities: Array<Record<string, any>> }).activities;
}
