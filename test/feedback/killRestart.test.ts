import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReviewLog } from '../../bot/feedback/reviewLog.js';
import { LowdbStorage } from '../../bot/storage/lowdbStorage.js';
import { DirectLineTestClient, type DlConversation } from '../support/liveService.js';
import { freePort } from '../support/loopback.js';
import { startServerProcess } from '../support/serverProcess.js';

const CONVERSATIONS = 12;
/** SIGKILL once this many writes have been acknowledged, with the rest of the burst in flight. */
const KILL_AFTER_ACKS = 60;

let dataDir: string;
let child: ChildProcess | undefined;
afterAll(async () => {
  child?.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The real server as its own process, as `npm start` runs it, healthy. */
function startServer(port: number): Promise<ChildProcess> {
  return startServerProcess(port, { DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '0', STAFF_TOKEN: 'kill-test-staff-token-0123' });
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
        const question = `火星上的医保咋整 ${letters[c]}${letters[i % 26]}${letters[Math.floor(i / 26) % 26]}`;
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
