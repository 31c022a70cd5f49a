import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestAdapter } from 'botbuilder';
import { buildService } from '../bot/index.js';
import { createLogger } from '../bot/logging/logger.js';
import { populate } from './storageBench.js';
import { percentile } from './stats.js';

/**
 * A whole bot turn (understanding, dialogs, state read and written through
 * LowdbStorage with fsync) with 100 and with 100,000 other conversations stored:
 * the cost must not grow with the number of stored conversations.
 */
const SCRIPT = ['我要办异地安置退休人员备案', '新办备案', '本人办理'];
const CONVERSATIONS = 50;
const ROUNDS = 4;

async function turns(stored: number): Promise<number[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'turn-bench-'));
  populate(path.join(dataDir, 'state'), stored);
  const service = await buildService({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, createLogger('silent'));
  const times: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (let c = 0; c < CONVERSATIONS; c++) {
        const adapter = new TestAdapter((ctx) => service.bot.run(ctx), {
          channelId: 'directline',
          conversation: { id: `bench-${round}-${c}`, isGroup: false, conversationType: 'personal', name: '' },
          user: { id: `user-${c}`, name: 'user' },
          bot: { id: 'bot', name: 'bot' },
        } as never);
        for (const text of SCRIPT) {
          const t = performance.now();
          await adapter.receiveActivity(text);
          times.push(performance.now() - t);
          adapter.activeQueue.length = 0;
        }
      }
    }
  } finally {
    service.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return times.sort((a, b) => a - b);
}

export async function turnBench(): Promise<string[]> {
  const lines: string[] = [];
  const results: Record<number, number[]> = {};
  for (const stored of [100, 100_000]) {
    results[stored] = await turns(stored);
    const t = results[stored]!;
    lines.push(
      `bot turn with ${stored.toLocaleString('en')} stored conversations (${t.length} turns): p50 ${percentile(t, 50).toFixed(2)} ms, p99 ${percentile(t, 99).toFixed(2)} ms`,
    );
  }
  const a = results[100]!,
    b = results[100_000]!;
  lines.push(`  ratio 100,000 : 100 — p50 ${(percentile(b, 50) / percentile(a, 50)).toFixed(2)}×, p99 ${(percentile(b, 99) / percentile(a, 99)).toFixed(2)}×`);
  return lines;
}
