import { afterAll, describe, expect, it } from 'vitest';
import { startInstance, type Instance } from '../support/twoInstances.js';
import { BotFrameworkClient } from './botFrameworkClient.js';
import { sigtermDuringBurst } from './sigtermBurst.js';

/** The real server as its own process (as `npm start` runs it), embedded mode. */
let server: Instance | undefined;
const client = new BotFrameworkClient();
afterAll(async () => {
  await client.close();
  await server?.dispose();
});

describe('SIGTERM during a burst of 30 conversations', () => {
  it('answers every request in flight, stops accepting, and exits 0', async () => {
    await client.start();
    server = await startInstance({ SHUTDOWN_TIMEOUT_SECONDS: '30' });
    const { conversations, statuses, refused, exit } = await sigtermDuringBurst(client, server, 30, 'sigterm');
    expect(refused).toBe(true);
    expect(statuses).toEqual(conversations.map(() => 200));
    for (const c of conversations) expect(client.messages(c).map((a) => a.channelData?.messageKey)).toEqual(['matterStart', 'question']);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 400_000); // a build of dist/ (when stale) and a cold start on a loaded 2-core machine
});
