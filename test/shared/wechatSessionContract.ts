import { describe, expect, it } from 'vitest';
import { fixtureEach } from './fixtureEach.js';
import type { WeChatSessionStore } from '../../bot/wechat/wechatSessions.js';

export interface WeChatSessionFixture {
  store: WeChatSessionStore;
  /** the store as another instance (or this one after a restart, when the driver keeps it) sees it */
  other(): Promise<WeChatSessionStore>;
  close(): Promise<void>;
}

/** What every WeChatSessionStore driver promises. */
export function wechatSessionContract(name: string, make: () => Promise<WeChatSessionFixture>): void {
  describe(`WeChatSessionStore contract: ${name}`, () => {
    const fixture = fixtureEach(make);

    it('an unknown user has a fresh session', async () => {
      const f = await fixture();
      expect(await f.store.load('oNobody')).toEqual({ pages: [], actions: [], late: [], lang: 'zh-CN' });
    });

    it('unread pages, numbers, late replies and language saved by one are read by the other; forget clears them', async () => {
      const f = await fixture();
      const s = await f.store.load('oUser');
      s.pages.push('第二页');
      s.actions.push('住院费用报销');
      s.late.push('迟到的回复');
      s.lang = 'bo';
      await f.store.save('oUser', s);
      const other = await f.other();
      expect(await other.load('oUser')).toEqual({ pages: ['第二页'], actions: ['住院费用报销'], late: ['迟到的回复'], lang: 'bo' });
      await other.forget('oUser');
      expect((await f.store.load('oUser')).pages).toEqual([]);
    });
  });
}
