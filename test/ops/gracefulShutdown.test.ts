import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveService, type LiveService } from '../support/liveService.js';
import { BotFrameworkClient } from './botFrameworkClient.js';

/**
 * GracefulShutdown in process, on the real service over loopback: what it does while draining
 * (the child-process test, sigterm.test.ts, proves the signal and the exit code).
 */
let live: LiveService | undefined;
let side: Server | undefined;
const client = new BotFrameworkClient();
afterEach(async () => {
  client.hold = undefined;
  await client.close();
  side?.closeAllConnections();
  await new Promise((r) => (side ? side.close(r) : r(undefined)));
  await live?.close();
});

/** A second listener on the same app: it is not being drained, so it can still be asked /readyz. */
async function sideDoor(app: LiveService['service']['app']): Promise<string> {
  side = createServer(app).listen(0, '127.0.0.1');
  await new Promise((r) => side!.once('listening', r));
  return `http://127.0.0.1:${(side.address() as AddressInfo).port}`;
}

describe('graceful shutdown', () => {
  it('finishes every turn in flight, is not ready while draining, stops accepting, runs the hooks in order', async () => {
    live = await startLiveService({}, 'warn');
    const { shutdown } = live.service;
    shutdown.attach(live.server);
    const order: string[] = [];
    shutdown.onDrain('sockets', () => void order.push('drain'));
    shutdown.onClose('redis', () => void order.push('close'));
    await client.start();
    const door = await sideDoor(live.service.app);
    expect((await fetch(`${door}/readyz`)).status).toBe(200);

    const held = client.holdAll();
    const turns = Array.from({ length: 5 }, (_, i) => client.send(live!.base, `drain-${i}`, `drain-user-${i}`, '我要办理异地安置退休人员备案'));
    await held.reached(5);
    const done = shutdown.shutdown('test');
    expect(shutdown.draining).toBe(true);
    const ready = await fetch(`${door}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('5');
    expect(await ready.json()).toMatchObject({ status: 'not_ready', checks: { shutdown: 'draining' } });
    // No new connection is accepted on the drained server.
    await expect(fetch(`${live.base}/healthz`)).rejects.toThrow();
    expect(order).toEqual(['drain']);

    held.release();
    expect(await Promise.all(turns)).toEqual([200, 200, 200, 200, 200]);
    expect(await done).toEqual({ drained: true, cutOff: 0 });
    expect(order).toEqual(['drain', 'close']);
    for (let i = 0; i < 5; i++) expect(client.messages(`drain-${i}`).map((a) => a.channelData?.messageKey)).toEqual(['matterStart', 'question']);
  });

  it('cuts off what is still running at SHUTDOWN_TIMEOUT_SECONDS and says so', async () => {
    live = await startLiveService({ SHUTDOWN_TIMEOUT_SECONDS: '0.3' }, 'warn');
    live.service.shutdown.attach(live.server);
    await client.start();
    const held = client.holdAll();
    const stuck = client.send(live.base, 'stuck', 'stuck-user', '我要办理异地安置退休人员备案').catch((err: unknown) => err);
    await held.reached(1);
    expect(await live.service.shutdown.shutdown('test')).toEqual({ drained: false, cutOff: 1 });
    expect(await stuck).toBeInstanceOf(Error);
    expect(live.logText()).toContain('shutdown timeout');
    held.release();
  });
});
