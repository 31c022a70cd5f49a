import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { ReviewLog } from '../../bot/feedback/reviewLog.js';
import { LowdbStorage } from '../../bot/storage/lowdbStorage.js';
import { ROOT_DIR } from '../../bot/config/config.js';
import { DirectLineTestClient, type DlConversation } from '../support/liveService.js';
import { freePort } from '../support/loopback.js';

const CONVERSATIONS = 12;
/** SIGKILL once this many writes have been acknowledged, with the rest of the burst in flight. */
const KILL_AFTER_ACKS = 60;

let dataDir: string;
let child: ChildProcess | undefined;
afterAll(async () => {
  child?.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The real server as its own process (`node --import tsx bot/index.ts`), healthy. */
async function startServer(port: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'bot/index.ts')], {
    cwd: ROOT_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      STAFF_TOKEN: 'kill-test-staff-token-0123',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // Bounded by time, not a count of polls: a loaded 2-core machine takes tens of seconds to start tsx.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`the server exited (${proc.exitCode}): ${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return proc;
    await sleep(100);
  }
  throw new Error(`the server did not become healthy: ${stderr}`);
}

describe('SIGKILL in the middle of a burst of writes', () => {
  it('restarts on the same DATA_DIR with every acknowledged feedback, question and conversation state', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'kill-test-'));
    const port = await freePort();
    child = await startServer(port);
    const dl = new DirectLineTestClient(`http://127.0.0.1:${port}`);
    const conversations: DlConversation[] = [];
    for (let c = 0; c < CONVERSATIONS; c++) conversations.push(await dl.open());

    const ackedQuestions: Array<{ conversation: string; question: string }> = [];
    const ackedVotes = new Map<string, number>();
    let acks = 0;
    let killed = false;
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const burst = conversations.map(async (first, c) => {
      let conv = first;
      for (let i = 0; !killed; i++) {
        // Alternate: a question nobody can answer (state + review writes) and a 没帮助 vote (a feedback write).
        // Each question opens its conversation, so it is an opening question whatever the bot made of the one before.
        if (i > 0 && i % 2 === 0) {
          const next = await dl.open().catch(() => undefined);
          if (!next) return;
          conversations.push(next);
          conv = next;
        }
        const question = `火星上的医保怎么办 ${letters[c]}${letters[i % 26]}${letters[Math.floor(i / 26) % 26]}`;
        const message = i % 2 === 0 ? question : { text: '没帮助', value: { feedback: 'down', matter: 19 } };
        const res = await dl.post(conv, message).catch(() => undefined);
        if (!res || res.status !== 200) return;
        acks++;
        if (typeof message === 'string') ackedQuestions.push({ conversation: conv.id, question });
        else ackedVotes.set(conv.id, (ackedVotes.get(conv.id) ?? 0) + 1);
        if (acks >= KILL_AFTER_ACKS && !killed) {
          killed = true;
          child!.kill('SIGKILL');
        }
      }
    });
    await Promise.all(burst);
    await new Promise((r) => (child!.exitCode !== null || child!.signalCode !== null ? r(undefined) : child!.once('exit', r)));
    expect(child.signalCode).toBe('SIGKILL');
    expect(acks).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    // Restart on the same folder: it must load every file (a broken one would stop start-up).
    child = await startServer(port);
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });

    const events = await new ReviewLog({ dir: path.join(dataDir, 'review'), retentionMs: 86_400_000 }).events(1);
    const gaps = new Set(events.filter((e) => e.kind === 'gap').map((e) => e.question));
    for (const { question } of ackedQuestions) expect(gaps, question).toContain(question);
    const storage = new LowdbStorage({ dir: path.join(dataDir, 'state') });
    const { createHash } = await import('node:crypto');
    for (const conv of conversations) {
      const hash = createHash('sha256').update(conv.id).digest('hex').slice(0, 12);
      const votes = events.filter((e) => e.kind === 'feedback' && e.conversation === hash).length;
      expect(votes).toBeGreaterThanOrEqual(ackedVotes.get(conv.id) ?? 0);
      if (ackedQuestions.some((q) => q.conversation === conv.id)) {
        const key = `directline/conversations/${conv.id}/`;
        expect(Object.keys(await storage.read([key]))).toEqual([key]);
      }
    }

    // And it goes on working on the same files.
    const after = await dl.open();
    expect((await dl.post(after, '火星上的医保怎么办 after')).status).toBe(200);
    child.kill('SIGKILL');
  }, 300_000);
});
