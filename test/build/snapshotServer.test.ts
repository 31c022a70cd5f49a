import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../bot/config/config.js';
import { DirectLineTestClient, STAFF_TOKEN, staffCookie } from '../support/liveService.js';
import { freePort } from '../support/loopback.js';
import { SERVER_ENTRY, SNAPSHOT_BLOB, serverCommand } from '../support/serverProcess.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface Started {
  base: string;
  /** the server's own command line, after build/start.sh exec'd node */
  cmdline: string[];
  /** its log lines so far */
  log: () => string;
  /** kills it now (afterAll kills the rest) */
  stop: () => void;
}

/** Spawns exactly what `npm start` runs (serverCommand), or node with `nodeArgs`, and resolves once GET /readyz answers 200. */
async function startServer(env: Record<string, string>, nodeArgs?: string[]): Promise<Started> {
  const npmStart = await serverCommand();
  const { command, args, cwd } = nodeArgs ? { ...npmStart, command: process.execPath, args: nodeArgs } : npmStart;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'snapshot-server-'));
  dirs.push(dataDir);
  const port = await freePort();
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  // bounded by time: a saturated 2-core machine is slow to start anything
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}): ${output}`);
    if (Date.now() > deadline) throw new Error(`the server was not ready in 120 s: ${output}`);
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await sleep(50);
  }
  const cmdline = (await readFile(`/proc/${child.pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  return { base, cmdline, log: () => output, stop: () => child.kill('SIGKILL') };
}

async function search(base: string, q: string): Promise<unknown> {
  const res = await fetch(`${base}/api/search?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return res.json();
}

describe('the start-up snapshot (npm start with SERVER_SNAPSHOT=1, when dist/server.blob is usable)', () => {
  it(
    'answers a Direct Line question from the snapshot with the prebuilt knowledge, exactly as the bundle does; changed knowledge is loaded afresh',
    { timeout: 600_000 },
    async () => {
      // npm start's default is the bundle (build/start.sh says why): a newcomer's `npm start` runs dist/server.mjs
      const byDefault = await startServer({});
      expect(byDefault.cmdline.slice(1)).toEqual([SERVER_ENTRY]);
      expect(byDefault.log()).not.toContain('"prebuilt"');
      byDefault.stop();

      const snapshot = await startServer({ STAFF_TOKEN, SERVER_SNAPSHOT: '1' });
      // build/start.sh chose the snapshot (built by serverCommand, with this node, for this directory) and exec'd node
      expect(snapshot.cmdline.slice(1)).toEqual(['--snapshot-blob', SNAPSHOT_BLOB]);
      expect(snapshot.log()).toContain('"prebuilt":true');

      // one conversation to the right matter's checklist: understanding (nodejieba's segmentation with the domain
      // words replayed after deserialising), dialogs, ChoicePrompt's number recognizer, state on disk
      const dl = new DirectLineTestClient(snapshot.base);
      const conv = await dl.open();
      const first = await dl.say(conv, '我要办异地安置退休人员备案');
      expect(first.at(-1)?.suggestedActions?.actions?.map((a: { title: string }) => a.title)).toEqual(['新办备案', '更改、暂停、恢复或终止备案']);
      await dl.say(conv, '1');
      const checklist = await dl.say(conv, '2');
      const attachments = JSON.stringify(checklist.flatMap((a) => a.attachments ?? []));
      expect(attachments).toContain('异地安置退休人员备案');
      expect(attachments).toContain('授权委托书');

      // the review worker starts (a worker_threads loaded while building could not: build/standInBuiltins.cjs)
      const cookie = await staffCookie(snapshot.base);
      const review = await fetch(`${snapshot.base}/api/admin/review?days=30&limit=5`, { headers: { cookie } });
      expect(review.status).toBe(200);
      expect(await review.json()).toMatchObject({ groups: [] });

      // The bundle, by the same start script: NODE_OPTIONS (V8 flags would make Node refuse the snapshot) sends it there.
      const bundle = await startServer({ SERVER_SNAPSHOT: '1', NODE_OPTIONS: '--max-old-space-size=1024' });
      expect(bundle.cmdline.slice(1)).toEqual([SERVER_ENTRY]);
      // Every development question answered the same, scores included: the snapshot's index, and the segmenter
      // whose words live in nodejieba's native memory (replayed after deserialising), are the bundle's.
      const questions = JSON.parse(await readFile(path.join(ROOT_DIR, 'test', 'eval', 'situations.zh.json'), 'utf8')) as Array<{ q: string }>;
      const sample = questions.filter((_, i) => i % 5 === 0).slice(0, 60);
      expect(sample.length).toBeGreaterThan(20);
      for (const { q } of sample) expect(await search(snapshot.base, q), q).toEqual(await search(bundle.base, q));

      // Knowledge is data validated at start-up: a changed matter is loaded, not the prebuilt copy. build/start.sh
      // sees knowledge newer than the snapshot and runs the bundle; the snapshot run directly compares the hash.
      const knowledgeDir = await mkdtemp(path.join(tmpdir(), 'snapshot-knowledge-'));
      dirs.push(knowledgeDir);
      await cp(path.join(ROOT_DIR, 'knowledge'), knowledgeDir, { recursive: true });
      const matterFile = path.join(knowledgeDir, 'matters', '12.json');
      const matter = JSON.parse(await readFile(matterFile, 'utf8')) as { title: string };
      await writeFile(matterFile, JSON.stringify({ ...matter, title: `${matter.title}（测试）` }, null, 2));
      // dated an hour ahead: newer than the snapshot even if a test process rebuilds it meanwhile (knowledge/ edited)
      const later = new Date(Date.now() + 3_600_000);
      await utimes(matterFile, later, later);
      const byScript = await startServer({ SERVER_SNAPSHOT: '1', KNOWLEDGE_DIR: knowledgeDir });
      expect(byScript.cmdline.slice(1)).toEqual([SERVER_ENTRY]);
      const changed = await startServer({ KNOWLEDGE_DIR: knowledgeDir }, ['--snapshot-blob', SNAPSHOT_BLOB]);
      expect(changed.cmdline.slice(1)).toEqual(['--snapshot-blob', SNAPSHOT_BLOB]);
      expect(changed.log()).toContain('"prebuilt":false');
      for (const run of [byScript, changed]) {
        expect(((await (await fetch(`${run.base}/api/matters/12`)).json()) as { title: string }).title).toBe(`${matter.title}（测试）`);
      }

      // Nothing random is baked into the snapshot: two processes from it hand out different ids and tokens.
      const [a, b] = [await new DirectLineTestClient(snapshot.base).open(), await new DirectLineTestClient(changed.base).open()];
      expect(a.id).not.toBe(b.id);
      expect(a.token).not.toBe(b.token);
    },
  );
});
