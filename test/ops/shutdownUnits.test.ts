import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { ConfigError } from '../../bot/errors/configError.js';
import { GracefulShutdown } from '../../bot/server/gracefulShutdown.js';

describe('GracefulShutdown without a server', () => {
  it('waits for a tracked turn that outlives its request before the close hooks, and is idempotent', async () => {
    const shutdown = new GracefulShutdown({ timeoutMs: 10_000 });
    const events: string[] = [];
    let finish: () => void = () => undefined;
    void shutdown.track(new Promise<void>((r) => (finish = r)).then(() => void events.push('turn done')));
    shutdown.onClose('redis', () => void events.push('close'));
    const first = shutdown.shutdown('SIGTERM');
    const second = shutdown.shutdown('SIGINT');
    await expect.poll(() => shutdown.draining).toBe(true);
    expect(events).toEqual([]);
    finish();
    expect(await first).toEqual({ drained: true, cutOff: 0 });
    expect(await second).toBe(await first);
    expect(events).toEqual(['turn done', 'close']);
  });

  it('a failing hook is logged and the next still runs', async () => {
    const shutdown = new GracefulShutdown({ timeoutMs: 0 });
    const ran: string[] = [];
    shutdown.onClose('broken', () => {
      throw new Error('boom');
    });
    shutdown.onClose('redis', () => void ran.push('redis'));
    expect(await shutdown.shutdown('test')).toEqual({ drained: true, cutOff: 0 });
    expect(ran).toEqual(['redis']);
  });
});

describe('SHUTDOWN_TIMEOUT_SECONDS', () => {
  it('defaults to 10 s, takes fractions, and a bad value stops start-up naming the variable', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).shutdownTimeoutMs).toBe(10_000);
    expect(loadConfig({ NODE_ENV: 'test', SHUTDOWN_TIMEOUT_SECONDS: '2.5' }).shutdownTimeoutMs).toBe(2500);
    for (const bad of ['-1', 'soon', '601']) {
      expect(() => loadConfig({ NODE_ENV: 'test', SHUTDOWN_TIMEOUT_SECONDS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ NODE_ENV: 'test', SHUTDOWN_TIMEOUT_SECONDS: bad })).toThrow(/SHUTDOWN_TIMEOUT_SECONDS/);
    }
  });
});
