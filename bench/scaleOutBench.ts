import { percentile } from './stats.js';
import { DirectLineTestClient, startLiveService } from '../test/support/liveService.js';
import { startRedisServer } from '../test/support/redisServer.js';
import { startOnRedis, type Instance } from '../test/support/twoInstances.js';

/**
 * Issue 13's figures, each beside its baseline from the same run:
 * - a whole bot turn over Direct Line (lock, state read and write, dialogs), one at a time, with
 *   state in Redis vs in the lowdb files (fsync);
 * - Direct Line turns per second under 40 concurrent conversations on one instance vs on two
 *   instances sharing one Redis (the conversations split between them, as a balancer would).
 */
const SCRIPT = ['我要办异地安置退休人员备案', '新办备案', '本人办理', '重新开始'];
const SEQUENTIAL_CONVERSATIONS = 40;
const CONCURRENT_CONVERSATIONS = 40;
const ROUNDS = 3;

/** Each conversation runs the script ROUNDS times; returns every turn's time (POST until its replies are read). */
async function converse(bases: string[], conversations: number, concurrent: boolean): Promise<{ times: number[]; seconds: number }> {
  const times: number[] = [];
  const one = async (c: number): Promise<void> => {
    const dl = new DirectLineTestClient(bases[c % bases.length]!);
    const conv = await dl.open();
    for (let round = 0; round < ROUNDS; round++) {
      for (const text of SCRIPT) {
        const t = performance.now();
        const replies = await dl.say(conv, text);
        if (replies.length === 0) throw new Error(`no reply to "${text}"`);
        times.push(performance.now() - t);
      }
    }
  };
  const started = performance.now();
  if (concurrent) await Promise.all(Array.from({ length: conversations }, (_, c) => one(c)));
  else for (let c = 0; c < conversations; c++) await one(c);
  return { times: times.sort((a, b) => a - b), seconds: (performance.now() - started) / 1000 };
}

const ms = (t: number[], p: number): string => percentile(t, p).toFixed(1);

async function turnOnRedisVsFiles(redisUrl: string): Promise<string[]> {
  const results: Record<string, number[]> = {};
  for (const [name, env] of [
    ['files', {}],
    ['Redis', { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: 'bench-turn:' }],
  ] as const) {
    const live = await startLiveService(env, 'silent');
    try {
      await converse([live.base], 2, false); // warm-up
      results[name] = (await converse([live.base], SEQUENTIAL_CONVERSATIONS, false)).times;
    } finally {
      await live.close();
    }
  }
  const [files, redis] = [results.files!, results.Redis!];
  return [
    `whole Direct Line turn, one at a time (${files.length} turns each, in process): state in lowdb files p50 ${ms(files, 50)} ms, p99 ${ms(files, 99)} ms (baseline); in Redis p50 ${ms(redis, 50)} ms, p99 ${ms(redis, 99)} ms (${(percentile(redis, 99) / percentile(files, 99)).toFixed(2)}× the files' p99)`,
  ];
}

async function oneVsTwoInstances(redisUrl: string): Promise<string[]> {
  const instances: Instance[] = await startOnRedis(redisUrl, 2, { REDIS_KEY_PREFIX: 'bench-two:' });
  try {
    const bases = instances.map((i) => i.base);
    await converse(bases, 4, true); // warm-up, both
    const one = await converse([bases[0]!], CONCURRENT_CONVERSATIONS, true);
    const two = await converse(bases, CONCURRENT_CONVERSATIONS, true);
    const rate = (r: { times: number[]; seconds: number }): number => r.times.length / r.seconds;
    return [
      `Direct Line turns/s, ${CONCURRENT_CONVERSATIONS} concurrent conversations × ${SCRIPT.length * ROUNDS} turns, server processes on one Redis:`,
      `  one instance (baseline): ${rate(one).toFixed(0)} turns/s, p50 ${ms(one.times, 50)} ms, p99 ${ms(one.times, 99)} ms`,
      `  two instances: ${rate(two).toFixed(0)} turns/s, p50 ${ms(two.times, 50)} ms, p99 ${ms(two.times, 99)} ms (${(rate(two) / rate(one)).toFixed(2)}× one; the bench client and Redis share the same cores)`,
    ];
  } finally {
    await Promise.all(instances.map((i) => i.dispose()));
  }
}

export async function scaleOutBench(): Promise<string[]> {
  const redis = await startRedisServer();
  try {
    return [...(await turnOnRedisVsFiles(redis.url)), ...(await oneVsTwoInstances(redis.url))];
  } finally {
    await redis.stop();
  }
}
