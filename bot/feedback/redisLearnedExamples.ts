import type { Redis } from 'ioredis';
import type { LearnedExampleStore } from './learnedExamples.js';
import type { DataFileNotice } from './reviewLog.js';

/**
 * Learned example phrases shared by every instance (REDIS_URL): one Redis hash whose fields are
 * `[matter, phrase]` and values the time it was taught, so adding the same phrase twice is one
 * HSETNX and every instance re-indexes from the same set on reload.
 */
export class RedisLearnedExamples implements LearnedExampleStore {
  private readonly client: Redis;
  private readonly key: string;
  private readonly now: () => number;

  constructor(options: { client: Redis; keyPrefix: string; now?: () => number }) {
    this.client = options.client;
    this.key = `${options.keyPrefix}learned:examples`;
    this.now = options.now ?? Date.now;
  }

  async add(matter: number, text: string): Promise<boolean> {
    return (await this.client.hsetnx(this.key, JSON.stringify([matter, text.trim()]), new Date(this.now()).toISOString())) === 1;
  }

  async byMatter(): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    // Oldest first, as the file keeps them.
    const entries = Object.entries(await this.client.hgetall(this.key)).sort((x, y) => x[1].localeCompare(y[1]));
    for (const [field] of entries) {
      const parsed = parseField(field);
      if (parsed) out.set(parsed[0], [...(out.get(parsed[0]) ?? []), parsed[1]]);
    }
    return out;
  }

  async count(): Promise<number> {
    return this.client.hlen(this.key);
  }

  notices(): readonly DataFileNotice[] {
    return [];
  }
}

/** A field as written by `add`; anything else in the hash is skipped. */
function parseField(field: string): [number, string] | undefined {
  try {
    const value = JSON.parse(field) as unknown;
    if (Array.isArray(value) && Number.isInteger(value[0]) && typeof value[1] === 'string' && value[1] !== '') return [value[0] as number, value[1]];
  } catch {
    // not ours
  }
  return undefined;
}
