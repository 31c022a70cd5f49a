import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startService, wechatUser, type Running } from './wechatSimulator.js';

/** Embedded (no REDIS_URL): a WeChat user's unread pages are files under DATA_DIR, so a restart loses none. */
describe('WeChat unread pages across a restart (embedded)', () => {
  let dataDir = '';
  const running: Running[] = [];
  afterAll(async () => {
    await Promise.all(running.map((r) => r.close()));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('更多 after the restart reads the page the person had not read yet', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'wechat-restart-'));
    const first = await startService({ safeMode: false, env: { DATA_DIR: dataDir } });
    running.push(first);
    const user = `oRestart_${process.pid}`;
    const l10n = first.service.localizer;
    const hint = l10n.t('zh-CN', 'wechat:more');
    const say = wechatUser(user, first.wechat);
    // 住院费用报销 with every situation ticked: a checklist longer than one WeChat reply
    await say(first, '住院了怎么报销');
    await say(first, '1 2 3 4 5 6 7');
    await say(first, '1');
    const page1 = await say(first, '江孜县');
    expect(page1.endsWith(hint), page1).toBe(true);
    await first.close();
    running.pop();

    const second = await startService({ safeMode: false, env: { DATA_DIR: dataDir } });
    running.push(second);
    const page2 = await say(second, '更多');
    expect(page2).not.toBe(l10n.t('zh-CN', 'wechat:noMore'));
    expect(page2).not.toBe(page1);
    expect(second.service.wechat!.turns).toBe(0); // read from the kept pages, not a new turn
  });
});
