import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenUser } from '../directline/harness.js';
import { DirectLineTestClient, messageKeys } from '../support/liveService.js';
import { startService, type Answer, type Running } from '../wechat/wechatSimulator.js';

/**
 * Issue 11, defect 7: a corrupt user-state file silenced that person for good. Every turn
 * failed reading it, and so did the apology (it reads the same file for the language); on
 * WeChat the user key is the openid, so the person could never use the service again. Now the
 * byte copy is kept, the person starts afresh, an error is logged, and the message is answered.
 */
let run: Running;
beforeAll(async () => {
  run = await startService({ safeMode: false });
});
afterAll(() => run.close());

const stateDir = (): string => path.join(run.dataDir, 'state');

/** every state file with the key stored inside it */
async function stateFiles(): Promise<Array<{ file: string; key: string }>> {
  const out: Array<{ file: string; key: string }> = [];
  for (const shard of await readdir(stateDir())) {
    for (const name of await readdir(path.join(stateDir(), shard))) {
      if (!name.endsWith('.json')) continue;
      const file = path.join(stateDir(), shard, name);
      out.push({ file, key: (JSON.parse(await readFile(file, 'utf8')) as { key: string }).key });
    }
  }
  return out;
}

async function corruptUserState(userId: string): Promise<{ file: string; broken: string }> {
  const found = (await stateFiles()).filter((f) => f.key.endsWith(`/users/${userId}/`));
  expect(found, `user state of ${userId} among ${JSON.stringify((await stateFiles()).map((f) => f.key))}`).toHaveLength(1);
  const broken = `{"key": "truncated by a full disk ${userId}`;
  await writeFile(found[0]!.file, broken);
  return { file: found[0]!.file, broken };
}

async function expectSetAside(file: string, broken: string, userId: string): Promise<void> {
  // the byte-for-byte copy is kept beside it, and the file itself is a valid record again
  const copies = (await readdir(path.dirname(file))).filter((n) => n.startsWith(`${path.basename(file)}.corrupt-`));
  expect(copies).toHaveLength(1);
  expect(await readFile(path.join(path.dirname(file), copies[0]!), 'utf8')).toBe(broken);
  expect((JSON.parse(await readFile(file, 'utf8')) as { key: string }).key).toMatch(new RegExp(`/users/${userId}/$`));
  const errors = run.logs().filter((l) => l.level === 50 && String(l.msg).includes('state file corrupt'));
  expect(errors.some((l) => String(l.key).endsWith(`/users/${userId}/`))).toBe(true);
}

describe('a corrupt user-state file', () => {
  it('Direct Line: the person is answered, starts afresh (Tibetan choice forgotten), and goes on being answered', async () => {
    const dl = new DirectLineTestClient(run.base);
    const conv = await dl.open();
    // Direct Line's user is the token's (a from.id of the client's own choosing is replaced).
    const userId = tokenUser(conv.token);
    const say = (text: string) => dl.say(conv, { text });
    // choose Tibetan, which lives in user state
    expect(messageKeys(await say('བོད་ཡིག'))).not.toEqual([]);
    const { file, broken } = await corruptUserState(userId);

    const replies = await say('帮助');
    expect(messageKeys(replies)).toContain('help');
    expect(messageKeys(replies)).not.toContain('turnError');
    // afresh: the help text is Chinese again
    expect(replies.map((r) => r.text).join('')).toMatch(/\p{Script=Han}/u);
    await expectSetAside(file, broken, userId);
    expect(messageKeys(await say('住院费用怎么报销'))).not.toEqual([]);
  });

  it('WeChat: the openid is not cut off — the next message is answered, and the one after', async () => {
    const user = `oCorrupt_${process.pid}`;
    const content = (a: Answer): string => {
      expect(a.status).toBe(200);
      expect(a.reply, a.body).toBeDefined();
      return a.reply!.Content!;
    };
    content(await run.wechat.send(run.wechat.text(user, '帮助')));
    const { file, broken } = await corruptUserState(user);
    const help = run.service.localizer.t('zh-CN', 'help');
    expect(content(await run.wechat.send(run.wechat.text(user, '帮助')))).toContain(help);
    await expectSetAside(file, broken, user);
    expect(content(await run.wechat.send(run.wechat.text(user, '帮助')))).toContain(help);
  });
});
