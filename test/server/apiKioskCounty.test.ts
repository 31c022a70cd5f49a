import { describe, expect, it } from 'vitest';
import { buildService } from '../../bot/index.js';
import { ConfigError } from '../../bot/errors/configError.js';
import { createLogger } from '../../bot/logging/logger.js';
import { KIOSK_EVENT } from '../../dialogs/pageEvents.js';
import { DirectLineTestClient, messageKeys, startLiveService } from '../support/liveService.js';

/** KIOSK_COUNTY end to end: the real service, a kiosk's event over Direct Line on 127.0.0.1. */
describe('KIOSK_COUNTY', () => {
  it('a kiosk event naming no county gets the configured hall offered first as 就在本县', async () => {
    const live = await startLiveService({ KIOSK_COUNTY: '江孜' }, 'silent');
    try {
      const dl = new DirectLineTestClient(live.base);
      const conv = await dl.open();
      expect(await dl.say(conv, { type: 'event', name: KIOSK_EVENT })).toEqual([]);
      let replies = await dl.say(conv, '住院费用报销');
      for (const answer of ['3', '2']) if (!messageKeys(replies).includes('askCounty')) replies = await dl.say(conv, answer);
      const ask = replies.find((a) => a.channelData?.messageKey === 'askCounty')!;
      expect(ask.suggestedActions.actions[0]).toMatchObject({ title: '就在本县（江孜县）', value: '江孜县' });
    } finally {
      await live.close();
    }
  });

  it('a county the office directory does not know stops start-up, naming the variable', async () => {
    const start = buildService({ NODE_ENV: 'test', KIOSK_COUNTY: '火星县', DATA_DIR: '/nonexistent-yibao-test' }, createLogger('silent'));
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow(/KIOSK_COUNTY/);
  });
});
