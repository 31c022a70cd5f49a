import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedis } from '../support/redisServer.js';
import { startOnRedis, type Instance } from '../support/twoInstances.js';
import { BotFrameworkClient } from './botFrameworkClient.js';
import { OPENING, sigtermDuringBurst } from './sigtermBurst.js';

/** Two real server processes (as `npm start` runs them) on one Redis. */
let redis: TestRedis;
let a: Instance;
let b: Instance;
/** a third, to be SIGTERMed (started with the others: one build of dist/, one wait) */
let c: Instance;
const client = new BotFrameworkClient();
beforeAll(async () => {
  redis = await startRedisServer();
  [a, b, c] = (await startOnRedis(redis.url, 3, { SHUTDOWN_TIMEOUT_SECONDS: '30' })) as [Instance, Instance, Instance];
  await client.start();
}, 600_000); // a build of dist/ (when stale) and three cold starts on a loaded 2-core machine
afterAll(async () => {
  await client.close();
  await Promise.all([a, b, c].map((i) => i?.dispose()));
  await redis?.stop();
});

const keys = (conversation: string, from = 0): string[] =>
  client
    .messages(conversation)
    .slice(from)
    .map((m) => m.channelData?.messageKey);

describe('two instances on one Redis', () => {
  it('a conversation posted alternately to both reaches its checklist', async () => {
    expect(await client.send(a.base, 'alt', 'alt-user', OPENING)).toBe(200);
    expect(await client.send(b.base, 'alt', 'alt-user', '新办备案')).toBe(200);
    const before = client.messages('alt').length;
    expect(await client.send(a.base, 'alt', 'alt-user', '本人办理')).toBe(200);
    expect(keys('alt', before)).toContain('checklist');
  });

  it('SIGKILL of one in the middle of a turn: the conversation finishes on the other (the dead lock lapses, nothing half-saved)', async () => {
    expect(await client.send(a.base, 'kill', 'kill-user', OPENING)).toBe(200);
    const held = client.holdAll();
    const lost = client.send(b.base, 'kill', 'kill-user', '新办备案').catch((err: unknown) => err);
    await held.reached(1);
    b.proc.kill('SIGKILL');
    expect((await b.exited).signal).toBe('SIGKILL');
    held.release();
    expect(await lost).toBeInstanceOf(Error);
    // B died holding the conversation's turn lock: A waits for its lease to lapse (10 s), then answers
    // from the state saved before the turn B never finished.
    const before = client.messages('kill').length;
    expect(await client.send(a.base, 'kill', 'kill-user', '新办备案')).toBe(200);
    expect(keys('kill', before)).toEqual(['question']);
    const last = client.messages('kill').length;
    expect(await client.send(a.base, 'kill', 'kill-user', '本人办理')).toBe(200);
    expect(keys('kill', last)).toContain('checklist');
  }, 120_000);

  it('SIGTERM of another during a burst of 30 conversations answers every request in flight, exits 0, and the other carries on with them', async () => {
    const { conversations, statuses, refused, exit } = await sigtermDuringBurst(client, c, 30, 'burst');
    expect(refused).toBe(true);
    expect(statuses).toEqual(conversations.map(() => 200));
    expect(exit).toEqual({ code: 0, signal: null });
    // Every one of those turns saved its state in Redis: the next answer, on A, is understood.
    await Promise.all(
      conversations.map(async (conv) => {
        const before = client.messages(conv).length;
        expect(await client.send(a.base, conv, `${conv}-user`, '新办备案')).toBe(200);
        expect(keys(conv, before)).toEqual(['question']);
      }),
    );
  }, 180_000);
});
