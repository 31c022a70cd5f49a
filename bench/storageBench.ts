import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LowdbStorage } from '../bot/storage/lowdbStorage.js';
import { fileForKey, serializeRecord } from '../bot/storage/stateFile.js';
import { percentile } from './stats.js';

/**
 * Cost of one turn's state traffic (read + conditional write of one conversation's state) in
 * LowdbStorage with 100 and with 100,000 other conversations stored.
 *
 * The other conversations are written straight to disk in the storage's own format
 * (stateFile.ts: fileForKey + serializeRecord, plain writeFileSync without fsync), because
 * 100,000 durable writes (two fsyncs each) through the storage would take minutes and measure
 * nothing the timed part does not measure already. The timed part goes through LowdbStorage,
 * fsyncs included, in a fresh folder under os.tmpdir().
 */

const OTHERS = [100, 100_000] as const;
const WARM_UP = 50;
const CYCLES = 600;
const ROUNDS = 6;
const DAY = 24 * 3_600_000;

function conversationKey(i: number): string {
  return `directline/conversations/${i.toString(36).padStart(6, '0')}-bench/`;
}

/** A state of realistic size (~1.5 KB): a dialog stack and a few answers. */
function sampleState(i: number): Record<string, unknown> {
  return {
    DialogState: {
      dialogStack: [
        { id: 'mainDialog', state: { phase: 'askPlace', candidates: ['拉萨市', '日喀则市', '昌都市'] } },
        { id: 'matterDialog', state: { question: `异地就医备案需要什么材料 ${i}`, options: { prompt: '请问您在哪个地区参保？' } } },
      ],
    },
    profile: { locale: 'zh-CN', region: '540100', lastMatters: [12, 15, 3] },
    history: Array.from({ length: 8 }, (_, t) => ({ turn: t, text: `第${t}轮：职工医保个人账户的使用范围` })),
    turns: 0,
  };
}

export function populate(dir: string, count: number): number {
  const started = performance.now();
  for (let s = 0; s < 256; s++) fs.mkdirSync(path.join(dir, s.toString(16).padStart(2, '0')), { recursive: true });
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const key = conversationKey(i);
    fs.writeFileSync(fileForKey(dir, key), serializeRecord({ key, eTag: `seed-${i}`, savedAt: now, touchedAt: now, item: sampleState(i) }));
  }
  return performance.now() - started;
}

async function timeCycles(storage: LowdbStorage, cycles: number, pickKey: () => string, into: number[]): Promise<void> {
  for (let c = 0; c < cycles; c++) {
    const key = pickKey();
    const started = performance.now();
    const item = (await storage.read([key]))[key] ?? sampleState(c);
    item.turns = Number(item.turns ?? 0) + 1;
    await storage.write({ [key]: item }); // carries the eTag just read: a conditional write
    into.push(performance.now() - started);
  }
}

interface Setup {
  others: number;
  dir: string;
  populateMs: number;
  storage: LowdbStorage;
  nextRandomKey: () => string;
  same: number[];
  spread: number[];
}

function setUp(others: number): Setup {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-bench-'));
  const populateMs = populate(dir, others);
  let seed = 42;
  const nextRandomKey = (): string => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return conversationKey(Math.floor((seed / 2 ** 31) * others));
  };
  return { others, dir, populateMs, storage: new LowdbStorage({ dir, ttlMs: DAY }), nextRandomKey, same: [], spread: [] };
}

function describe(times: number[]): string {
  return `p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`;
}

export async function storageBench(): Promise<string[]> {
  const figures: Setup[] = [];
  try {
    for (const others of OTHERS) figures.push(setUp(others));
    const target = 'directline/conversations/bench-target/';
    for (const s of figures) {
      await timeCycles(s.storage, WARM_UP, () => target, []);
      await timeCycles(s.storage, WARM_UP, s.nextRandomKey, []);
    }
    // Interleave the two stores in small blocks, so drift in disk latency (a shared machine)
    // hits both alike instead of biasing the ratio.
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of figures) {
        await timeCycles(s.storage, CYCLES / ROUNDS, () => target, s.same);
        // A random stored conversation per turn: its file is not the one just written.
        await timeCycles(s.storage, CYCLES / ROUNDS, s.nextRandomKey, s.spread);
      }
    }
  } finally {
    for (const s of figures) fs.rmSync(s.dir, { recursive: true, force: true });
  }
  for (const s of figures) {
    s.same.sort((x, y) => x - y);
    s.spread.sort((x, y) => x - y);
  }
  const lines = [
    `state storage (LowdbStorage, one fsync'd file per conversation, in ${os.tmpdir()}; ${CYCLES} read+write cycles per case after ${WARM_UP} warm-up, the two stores interleaved):`,
  ];
  for (const f of figures) {
    lines.push(
      `  ${f.others.toLocaleString('en')} other conversations stored (written directly in the storage format in ${(f.populateMs / 1000).toFixed(1)} s):`,
    );
    lines.push(`    one conversation, every turn: ${describe(f.same)}`);
    lines.push(`    a random stored conversation per turn: ${describe(f.spread)}`);
  }
  const [small, large] = figures;
  if (small && large) {
    const ratio = (a: number[], b: number[], p: number): string => (percentile(b, p) / percentile(a, p)).toFixed(2);
    lines.push(
      `  ratio 100,000 : 100 — one conversation p50 ${ratio(small.same, large.same, 50)}×, p99 ${ratio(small.same, large.same, 99)}×; ` +
        `random conversation p50 ${ratio(small.spread, large.spread, 50)}×, p99 ${ratio(small.spread, large.spread, 99)}× (≈1× = independent of the number stored)`,
    );
  }
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  for (const line of await storageBench()) process.stdout.write(`${line}\n`);
  process.stdout.write(`(bench took ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
