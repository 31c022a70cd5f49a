import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, ROOT_DIR } from '../bot/config/config.js';
import { QuestionSet } from '../bot/evaluation/evaluator.js';
import { KnowledgeBase } from '../bot/knowledge/knowledgeBase.js';
import { Understanding } from '../bot/understanding/understanding.js';
import { storageBench } from './storageBench.js';
import { turnBench } from './turnBench.js';
import { webBench } from './webBench.js';
import { httpBench, turnsAB } from './httpBench.js';
import { reviewBench } from './reviewBench.js';
import { scaleOutBench } from './scaleOutBench.js';
import { streamBench } from './streamBench.js';
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

async function main(): Promise<void> {
  process.stdout.write(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
  // `npm run bench -- http` runs only the HTTP figures (throughput, Direct Line turns, RSS, start-up).
  const only = process.argv[2];
  // `npm run bench -- scale`: only issue 13's figures (turn on Redis vs files, one instance vs two).
  if (only === 'scale') {
    for (const line of await scaleOutBench()) process.stdout.write(line + '\n');
    return;
  }
  // `npm run bench -- turn`: only the whole bot turn in process with 100 and 100,000 stored conversations.
  if (only === 'turn') {
    for (const line of await turnBench()) process.stdout.write(line + '\n');
    return;
  }
  if (only === 'turns-ab') {
    const [a, b, runs] = process.argv.slice(3);
    if (!a || !b) throw new Error('npm run bench -- turns-ab A.mjs B.mjs [runs]');
    for (const line of await turnsAB([a, b], Number(runs ?? 4))) process.stdout.write(line + '\n');
    return;
  }
  if (only === 'http') {
    for (const line of await httpBench()) process.stdout.write(line + '\n');
    return;
  }
  process.stdout.write((await searchLatency()) + '\n');
  for (const line of await storageBench()) process.stdout.write(line + '\n');
  for (const line of await turnBench()) process.stdout.write(line + '\n');
  for (const line of await httpBench()) process.stdout.write(line + '\n');
  for (const line of await webBench()) process.stdout.write(line + '\n');
  for (const line of await reviewBench()) process.stdout.write(line + '\n');
  for (const line of await scaleOutBench()) process.stdout.write(line + '\n');
  for (const line of await streamBench()) process.stdout.write(line + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
