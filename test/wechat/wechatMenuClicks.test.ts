import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Answer, type Running } from './wechatSimulator.js';

/**
 * Issue 11, defect 9: events have no MsgId, so retries were recognised by user + CreateTime
 * alone, and a second, different menu click in the same second got the first click's reply.
 */
describe('WeChat menu clicks in the same second', () => {
  let run: Running;
  beforeAll(async () => {
    run = await startService({ safeMode: false });
  });
  afterAll(() => run.close());
  const content = (a: Answer): string => {
    expect(a.status).toBe(200);
    expect(a.reply, a.body).toBeDefined();
    return a.reply!.Content!;
  };

  it('two different clicks each get their own reply; a retry of one still gets its first answer without a new turn', async () => {
    const kb = run.service.knowledge;
    const [first, second] = ['reimburse', 'remote'].map((id) => kb.categories.find((c) => c.id === id)!);
    // what each click answers on its own, for a fresh user
    const alone = async (id: string) => content(await run.wechat.send(run.wechat.event(`oAlone_${id}_${process.pid}`, 'CLICK', id)));
    const expectFirst = await alone(first!.id);
    const expectSecond = await alone(second!.id);
    expect(expectFirst).not.toBe(expectSecond);

    const user = `oTwoClicks_${process.pid}`;
    const second0 = Math.floor(Date.now() / 1000);
    const a = content(await run.wechat.send(run.wechat.event(user, 'CLICK', first!.id, second0)));
    const b = content(await run.wechat.send(run.wechat.event(user, 'CLICK', second!.id, second0)));
    expect(a).toBe(expectFirst);
    expect(b).toBe(expectSecond);

    // WeChat's retry of the second click (same user, time, event and key) is answered from memory
    const turns = run.service.wechat!.turns;
    const retry = content(await run.wechat.send(run.wechat.event(user, 'CLICK', second!.id, second0)));
    expect(retry).toBe(b);
    expect(run.service.wechat!.turns).toBe(turns);
  });
});
