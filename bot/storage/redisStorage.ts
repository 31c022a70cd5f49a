import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Redis } from 'ioredis';
import { STATE_WRITE } from '../redis/scripts.js';
import { StorageConflictError } from './storageConflictError.js';
import { StorageCorruptError } from './storageCorruptError.js';

export interface RedisStorageOptions {
  client: Redis;
  /** REDIS_KEY_PREFIX; the state of key K lives at `<prefix>state:K` */
  keyPrefix: string;
  /** Idle time (ms) after which a key's state is gone (Redis expires it). Absent: never expires. */
  ttlMs?: number;
}

/**
 * Bot Framework `Storage` on Redis, with the same contract as LowdbStorage (test/storage/storageContract.ts):
 *
 * - one hash per key: `e` the eTag, `v` the item as JSON (without its eTag);
 * - a write whose eTag is neither '*' nor absent succeeds only if the stored eTag is the same or
 *   the key is absent, checked and written in one Lua script (STATE_WRITE) so two instances cannot
 *   both win; otherwise StorageConflictError, and nothing of that write is stored;
 * - expiry counts from the last read or write, as in LowdbStorage: every write sets the TTL and
 *   every read renews it (Redis keeps time, so no sweeper is needed).
 *
 * A write of several keys runs as one script over all of them: fine on one Redis (or Sentinel);
 * Redis Cluster would need the keys in one hash slot.
 */
export class RedisStorage implements Storage {
  readonly ttlMs: number | undefined;
  readonly #client: Redis;
  readonly #prefix: string;

  constructor(options: RedisStorageOptions) {
    const { ttlMs } = options;
    if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
      throw new RangeError(`RedisStorage: ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
    }
    this.#client = options.client;
    this.#prefix = `${options.keyPrefix}state:`;
    this.ttlMs = ttlMs === undefined ? undefined : Math.max(1, Math.round(ttlMs));
  }

  /** The Redis key of a storage key (for tests and operators). */
  redisKey(key: string): string {
    return this.#prefix + key;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys)) throw new TypeError('RedisStorage.read: keys must be an array of strings');
    const unique = [...new Set(keys)];
    if (unique.length === 0) return {};
    const pipeline = this.#client.pipeline();
    for (const key of unique) {
      pipeline.hmget(this.redisKey(key), 'e', 'v');
      // A read is activity: PEXPIRE on a missing key does nothing.
      if (this.ttlMs !== undefined) pipeline.pexpire(this.redisKey(key), this.ttlMs);
    }
    const replies = (await pipeline.exec()) ?? [];
    const step = this.ttlMs === undefined ? 1 : 2;
    const found: Array<[string, Record<string, unknown>]> = [];
    unique.forEach((key, i) => {
      const [err, value] = replies[i * step] ?? [new Error('no reply')];
      if (err) throw err;
      const [eTag, json] = value as [string | null, string | null];
      if (eTag === null || json === null) return;
      found.push([key, { ...this.#parse(key, json), eTag }]);
    });
    // fromEntries defines own properties, so even a key like "__proto__" stays a plain entry.
    return Object.fromEntries(found);
  }

  async write(changes: StoreItems): Promise<void> {
    if (changes === null || typeof changes !== 'object') throw new TypeError('RedisStorage.write: changes must be an object');
    const entries = Object.entries(changes).map(([key, item]: [string, unknown]) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new TypeError(`RedisStorage.write: the item for "${key}" must be an object`);
      }
      const eTag = (item as { eTag?: unknown }).eTag;
      const copy = JSON.parse(JSON.stringify(item)) as Record<string, unknown>;
      delete copy.eTag;
      return { key, expected: eTag && eTag !== '*' ? String(eTag) : '', json: JSON.stringify(copy) };
    });
    if (entries.length === 0) return;
    const args: Array<string | number> = [this.ttlMs ?? 0];
    for (const e of entries) args.push(e.expected, randomUUID(), e.json);
    const result = (await STATE_WRITE.run(
      this.#client,
      entries.map((e) => this.redisKey(e.key)),
      args,
    )) as [number, string?];
    if (result[0] !== 0) {
      const conflicted = entries[result[0] - 1];
      if (!conflicted) throw new Error(`RedisStorage.write: unexpected script reply ${JSON.stringify(result)}`);
      throw new StorageConflictError(conflicted.key, conflicted.expected, String(result[1]));
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) throw new TypeError('RedisStorage.delete: keys must be an array of strings');
    const unique = [...new Set(keys)];
    if (unique.length === 0) return;
    await this.#client.del(...unique.map((key) => this.redisKey(key)));
  }

  #parse(key: string, json: string): Record<string, unknown> {
    try {
      const value: unknown = JSON.parse(json);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      return value as Record<string, unknown>;
    } catch (err) {
      // Left in place for an operator to look at; an unconditional write replaces it.
      throw new StorageCorruptError(key, this.redisKey(key), this.redisKey(key), `not a stored item: ${(err as Error).message}`, err);
    }
  }
}
