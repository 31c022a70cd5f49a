import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './loopback.js';
import { startServerProcess } from './serverProcess.js';

/** One server process as `npm start` runs it (test/support/serverProcess.ts), on its own port and DATA_DIR. */
export interface Instance {
  port: number;
  base: string;
  proc: ChildProcess;
  /** how the process ended */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** everything it wrote to stderr so far */
  stderr(): string;
  /** SIGKILL if still running, and its DATA_DIR removed */
  dispose(): Promise<void>;
}

/** Secrets both instances share, as an operator sets them (tokens and staff sign-ins verify on either). */
export const SHARED_SECRETS = {
  DIRECTLINE_SECRET: 'two-instances-directline-secret-0123456789',
  STAFF_TOKEN: 'two-instances-staff-token-0123',
};

export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'yibao-instance-'));
  const port = await freePort();
  const proc = await startServerProcess(port, { RATE_LIMIT_PER_MINUTE: '0', DATA_DIR: dataDir, ...SHARED_SECRETS, ...env });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve({ code: proc.exitCode, signal: proc.signalCode });
    else proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    proc,
    exited,
    stderr: () => stderr,
    dispose: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `count` real instances of the server on one Redis, as behind a balancer. */
export async function startOnRedis(redisUrl: string, count: number, env: Record<string, string> = {}): Promise<Instance[]> {
  const shared = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: 'two:', ...env };
  // One after the other: the first builds dist/ if it is stale, and cold starts at once crowd 2 cores.
  const started: Instance[] = [];
  for (let i = 0; i < count; i++) started.push(await startInstance(shared));
  return started;
}

/** Two real instances of the server on one Redis. */
export async function startTwoInstances(redisUrl: string, env: Record<string, string> = {}): Promise<[Instance, Instance]> {
  const [a, b] = await startOnRedis(redisUrl, 2, env);
  return [a!, b!];
}
