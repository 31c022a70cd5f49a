import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { redisServerPath } from './prerequisites.js';
import { freePort } from './loopback.js';

const run = promisify(execFile);

/** A redis-server of the test's own on 127.0.0.1, nothing persisted; stop() kills it by its pid. */
export interface TestRedis {
  port: number;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` every 50 ms until it is true, at most `ms`; throws `what` on timeout. */
async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`redis test server: ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts one; a port taken between picking and binding is retried (at most 3 times). `port`:
 * that port instead (a Redis coming back where the service expects it).
 */
export async function startRedisServer(port?: number): Promise<TestRedis> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(port ?? (await freePort()));
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function startOnce(port: number): Promise<TestRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'yibao-redis-'));
  const pidfile = path.join(dir, 'redis.pid');
  const logfile = path.join(dir, 'redis.log');
  await run(
    redisServerPath(),
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
      '--pidfile',
      pidfile,
      '--logfile',
      logfile,
      '--dir',
      dir,
    ],
    { timeout: 10_000 },
  );
  let pid = 0;
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        pid = Number((await readFile(pidfile, 'utf8').catch(() => '')).trim()) || 0;
        return pid > 0;
      },
      10_000,
      'no pid file',
    );
    await waitFor(() => ping(url), 10_000, `no PONG on port ${port}`);
  } catch (err) {
    const log = await readFile(logfile, 'utf8').catch(() => '');
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${log.slice(-2000)}`);
  }
  return {
    port,
    url,
    pid,
    stop: async () => {
      if (alive(pid)) {
        process.kill(pid, 'SIGTERM');
        await waitFor(async () => !alive(pid), 10_000, `pid ${pid} still running after SIGTERM`).catch(() => {
          if (alive(pid)) process.kill(pid, 'SIGKILL');
        });
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
