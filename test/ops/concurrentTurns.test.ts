import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveService, type LiveService } from '../support/liveService.js';
import { BotFrameworkClient } from './botFrameworkClient.js';
import { countyAndLanguageAtOnce, requestCounter, twoQuickAnswers } from './concurrentTurnsScenario.js';

let live: LiveService;
const client = new BotFrameworkClient();
beforeAll(async () => {
  live = await startLiveService({}, 'warn');
  await client.start();
}, 120_000);
afterAll(async () => {
  await client.close();
  await live?.close();
});

describe('concurrent turns on /api/messages, embedded (lowdb files, in-process locks)', () => {
  it('one person in two conversations at once keeps both the county and the language, every time', async () => {
    const kept = await countyAndLanguageAtOnce(client, [live.base], live.service.storage, 12, 'embedded');
    for (const k of kept) expect(k).toEqual({ lang: 'bo', county: '江孜县', statuses: [200, 200, 200] });
  });

  it('two quick answers: the second, posted while the first turn is in flight, is not lost', async () => {
    const { statuses, keys } = await twoQuickAnswers(client, [live.base], requestCounter(live.server), 'quick-embedded');
    expect(statuses).toEqual([200, 200]);
    // The first answer's next question, then the checklist the second answer completes.
    expect(keys[0]).toBe('question');
    expect(keys).toContain('checklist');
  });
});
