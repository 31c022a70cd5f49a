import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, ROOT_DIR } from '../bot/config/config.js';
import { QuestionSet } from '../bot/evaluation/evaluator.js';
import { KnowledgeBase } from '../bot/knowledge/knowledgeBase.js';
import { Understanding } from '../bot/understanding/understanding.js';
import { storageBench } from './storageBench.js';
import { turnBench } from './turnBench.js';
import { webBench } from './webBench.js';
import { percentile } from './stats.js';

/** `npm run bench`: speed figures, never asserted in tests. */


async function searchLatency(): Promise<string> {
  const kb = await KnowledgeBase.load(loadConfig().knowledgeDir);
  const u = new Understanding(kb);
  const dir = path.join(ROOT_DIR, 'test', 'eval');
  const questions = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => QuestionSet.parse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))).map((q) => q.q));
  for (const q of questions) u.understand(q); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of questions) {
      const t = performance.now();
      u.understand(q);
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  return `search pipeline (in process, ${questions.length} questions × 5): p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms, max ${times.at(-1)?.toFixed(2)} ms`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startupTime(): Promise<string> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'bot', 'index.ts')], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      if (performance.now() - started > 60_000) throw new Error('server not healthy after 60 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    return `server start-up to a healthy /healthz: ${Math.round(performance.now() - started)} ms (including tsx and Node start)`;
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  process.stdout.write(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
  process.stdout.write((await searchLatency()) + '\n');
  process.stdout.write((await startupTime()) + '\n');
  for (const line of await storageBench()) process.stdout.write(line + '\n');
  for (const line of await turnBench()) process.stdout.write(line + '\n');
  for (const line of await webBench()) process.stdout.write(line + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
