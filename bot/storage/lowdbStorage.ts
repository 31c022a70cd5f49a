import { randomUUID } from 'node:crypto';
import { rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Storage, StoreItems } from 'botbuilder';
import { describeCorruption, DurableJsonFile, fsyncDir, isCorruption, isErrno, keepCorruptCopy, readdirIfExists } from './durableJsonFile.js';
import { KeyedMutex } from './keyedMutex.js';
import { fileStamp, RecordCache, stampOf, type CachedRecord } from './recordCache.js';
import { fileForKey, lastActive, parseRecordAt, RECORD_FILE, serializeRecord, SHARD_DIR, type StoredRecord } from './stateFile.js';
import { StorageConflictError } from './storageConflictError.js';
import { StorageCorruptError } from './storageCorruptError.js';

export interface LowdbStorageOptions {
  /** Folder of the state files; the composition root passes `<DATA_DIR>/state`. Created on first write. */
  dir: string;
  /** Idle time (ms) after which a key's state counts as absent and is deleted. Absent: never expires. */
  ttlMs?: number;
  /**
   * A read refreshes the idle clock (`touchedAt`, one small extra write) when the last refresh is
   * older than this, so state that is read every turn but rarely changed does not expire while the
   * conversation goes on. Default: ttlMs / 10, at most 60 s. Expiry is exact to within this interval.
   */
  touchIntervalMs?: number;
  /** `sweep()` removes temp files left by a killed writer once they are this old (ms, file mtime). Default 10 min. */
  staleTempMs?: number;
  /** Clock for expiry (ms since epoch); injectable so tests need not sleep. */
  now?: () => number;
  /**
   * When set, a corrupt record is set aside instead of failing every turn: its byte copy is kept
   * as now, the file is removed, the key reads as absent (the conversation or person starts
   * afresh) and this is told, to log it. Unset: reads throw StorageCorruptError.
   */
  onCorrupt?: (error: StorageCorruptError) => void;
}

export interface SweepResult {
  /** record files looked at */
  scanned: number;
  /** record files deleted because they were idle longer than ttlMs */
  expired: number;
  /** record files that do not parse; left in place (the next read reports them and keeps a copy) */
  corrupt: string[];
  /** leftover temp files of killed writers removed */
  tempFilesRemoved: number;
}

const SWEEP_PARALLELISM = 8;

/**
 * Bot Framework `Storage` on lowdb: one small JSON file per storage key (see stateFile.ts for the
 * layout), so a turn touches only its own conversation's file and its cost does not depend on how
 * many conversations are stored.
 *
 * - eTags as in botbuilder's MemoryStorage: a write with eTag `'*'` or none always wins; a write
 *   whose eTag differs from the stored one rejects with StorageConflictError; every write gets a
 *   new eTag; `read` returns items with their current eTag and omits missing keys. Compare and
 *   write run under a per-file in-process lock. A write of several keys checks all eTags first and
 *   writes nothing if one conflicts. Note: the lock is per process — run one bot process per
 *   DATA_DIR.
 * - Writes are atomic and durable (DurableJsonFile: temp file, fsync, rename, fsync directory):
 *   after `write` resolves the data survives a process kill or power cut, and no crash leaves a
 *   half-written state file.
 * - Expiry: a key idle (neither written nor read) for longer than `ttlMs` reads as absent and its
 *   file is deleted; `sweep()` deletes all such files. Nothing here starts a timer: the
 *   composition root sweeps every store on one timer.
 * - Write-through cache (RecordCache): the last record this process wrote or read of each file is
 *   kept and answers a read or an eTag check while the file still has the inode, size and mtime it
 *   had then (one stat instead of reading, parsing and checking the file: a turn read its own
 *   previous write every time). Any other writer renames a new file in (new inode) and an edit in
 *   place changes size or mtime, so a change made outside this process is still read.
 * - A corrupt file is never treated as empty: `read` (and a conditional `write`) throws
 *   StorageCorruptError after saving a copy as `<file>.corrupt-<timestamp>`; an unconditional
 *   write replaces it, also after saving a copy. With `onCorrupt` (the service), the file is set
 *   aside after the copy is saved and the key starts afresh.
 */
export class LowdbStorage implements Storage {
  readonly dir: string;
  readonly ttlMs: number | undefined;
  readonly #touchIntervalMs: number;
  readonly #staleTempMs: number;
  readonly #now: () => number;
  readonly #locks = new KeyedMutex();
  readonly #onCorrupt: ((error: StorageCorruptError) => void) | undefined;
  readonly #cache = new RecordCache();

  constructor(options: LowdbStorageOptions) {
    if (typeof options.dir !== 'string' || options.dir === '') throw new TypeError('LowdbStorage: dir is required');
    const { ttlMs, touchIntervalMs, staleTempMs } = options;
    if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
      throw new RangeError(`LowdbStorage: ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
    }
    if (touchIntervalMs !== undefined && !(Number.isFinite(touchIntervalMs) && touchIntervalMs >= 0)) {
      throw new RangeError(`LowdbStorage: touchIntervalMs must be >= 0, got ${touchIntervalMs}`);
    }
    if (staleTempMs !== undefined && !(Number.isFinite(staleTempMs) && staleTempMs >= 0)) {
      throw new RangeError(`LowdbStorage: staleTempMs must be >= 0, got ${staleTempMs}`);
    }
    this.dir = path.resolve(options.dir);
    this.ttlMs = ttlMs;
    this.#touchIntervalMs = touchIntervalMs ?? (ttlMs === undefined ? Infinity : Math.min(ttlMs / 10, 60_000));
    this.#staleTempMs = staleTempMs ?? 10 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#onCorrupt = options.onCorrupt;
  }

  /** Reads and eTag checks answered by the write-through cache (one stat each) since start. */
  get cacheHits(): number {
    return this.#cache.hits;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys)) throw new TypeError('LowdbStorage.read: keys must be an array of strings');
    const found = await Promise.all([...new Set(keys)].map(async (key) => [key, await this.#readOne(key)] as const));
    // fromEntries defines own properties, so even a key like "__proto__" stays a plain entry.
    return Object.fromEntries(found.filter(([, item]) => item !== undefined));
  }

  async write(changes: StoreItems): Promise<void> {
    if (changes === null || typeof changes !== 'object') throw new TypeError('LowdbStorage.write: changes must be an object');
    const entries = Object.entries(changes).map(([key, item]: [string, unknown]) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new TypeError(`LowdbStorage.write: the item for "${key}" must be an object`);
      }
      const eTag = (item as { eTag?: unknown }).eTag;
      // Serialise now, like MemoryStorage, so a value JSON cannot hold fails before anything is written.
      const copy = JSON.parse(JSON.stringify(item)) as Record<string, unknown>;
      delete copy.eTag;
      return { key, file: fileForKey(this.dir, key), conditionalOn: eTag && eTag !== '*' ? String(eTag) : undefined, item: copy };
    });
    if (entries.length === 0) return;

    await this.#locks.run(
      entries.map((e) => e.file),
      async () => {
        const now = this.#now();
        // 1. Check every eTag before writing anything: a conflict leaves all keys as they were.
        await settleAll(
          entries.map(async ({ key, file, conditionalOn }) => {
            const stored = await this.#load(key, file, conditionalOn === undefined ? 'backupAndReplace' : 'throw');
            if (conditionalOn !== undefined && stored && !this.#isExpired(stored, now) && stored.eTag !== conditionalOn) {
              throw new StorageConflictError(key, conditionalOn, stored.eTag);
            }
          }),
        );
        // 2. Write them all; wait for every write to finish before the locks are released.
        await settleAll(
          entries.map(({ key, file, item }) =>
            this.#store(file, { key, eTag: randomUUID(), savedAt: now, touchedAt: now, itemJson: JSON.stringify(item) }, item),
          ),
        );
      },
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) throw new TypeError('LowdbStorage.delete: keys must be an array of strings');
    const files = [...new Set(keys)].map((key) => fileForKey(this.dir, key));
    await this.#locks.run(files, async () => {
      const touchedDirs = new Set<string>();
      await settleAll(
        files.map(async (file) => {
          this.#cache.delete(file);
          try {
            await unlink(file);
            touchedDirs.add(path.dirname(file));
          } catch (err) {
            if (!isErrno(err, 'ENOENT')) throw err;
          }
        }),
      );
      // An acknowledged delete must not come back after a power cut.
      for (const dir of touchedDirs) await fsyncDir(dir);
    });
  }

  /**
   * Deletes every state file idle for longer than ttlMs and temp files left by killed writers.
   * Reads each file once, so it costs O(number of conversations): call it from a timer, not per turn.
   */
  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { scanned: 0, expired: 0, corrupt: [], tempFilesRemoved: 0 };
    const shards = (await readdirIfExists(this.dir)).filter((name) => SHARD_DIR.test(name)).sort();
    const now = this.#now();
    for (const shard of shards) {
      const shardDir = path.join(this.dir, shard);
      const names = await readdirIfExists(shardDir);
      await forEachLimited(names, SWEEP_PARALLELISM, async (name) => {
        const file = path.join(shardDir, name);
        if (RECORD_FILE.test(name)) {
          result.scanned++;
          if (this.ttlMs === undefined) return;
          const outcome = await this.#locks.run([file], async () => {
            let record: StoredRecord | null;
            try {
              record = await this.#adapter(file).read();
            } catch (err) {
              if (isCorruption(err)) return 'corrupt';
              throw err;
            }
            if (record && this.#isExpired(record, now)) {
              this.#cache.delete(file);
              await rm(file, { force: true });
              return 'expired';
            }
            return 'kept';
          });
          if (outcome === 'expired') result.expired++;
          if (outcome === 'corrupt') result.corrupt.push(file);
        } else if (name.startsWith('.') && name.endsWith('.tmp')) {
          // Temp files carry the real write time; the injected clock is for expiry only.
          const info = await stat(file).catch(() => undefined);
          if (info && Date.now() - info.mtimeMs > this.#staleTempMs) {
            await rm(file, { force: true });
            result.tempFilesRemoved++;
          }
        }
      });
    }
    return result;
  }

  async #readOne(key: string): Promise<Record<string, unknown> | undefined> {
    const file = fileForKey(this.dir, key);
    return this.#locks.run([file], async () => {
      const record = await this.#load(key, file, 'throw');
      if (!record) return undefined;
      const now = this.#now();
      if (this.#isExpired(record, now)) {
        // No directory fsync: if this unlink is lost in a power cut, the file is still expired next time.
        this.#cache.delete(file);
        await rm(file, { force: true });
        return undefined;
      }
      if (now - lastActive(record) >= this.#touchIntervalMs) await this.#store(file, { ...record, touchedAt: now });
      return { ...(JSON.parse(record.itemJson) as Record<string, unknown>), eTag: record.eTag };
    });
  }

  /**
   * The record of `key` (null when there is none). Call with the file's lock held. The cache
   * answers while the file keeps the stamp it had when cached (one stat); otherwise the file is
   * read and checked as always. Stamp first, then read: a change in between leaves a cached
   * stamp older than the content, so the next look reads the file again (never the reverse).
   */
  async #load(key: string, file: string, onCorrupt: 'throw' | 'backupAndReplace'): Promise<CachedRecord | null> {
    const stamp = fileStamp(file);
    if (stamp === undefined) {
      this.#cache.delete(file);
      return null;
    }
    const cached = this.#cache.get(file, stamp);
    if (cached) return cached;
    try {
      const record = await this.#adapter(file).read();
      if (!record) return null;
      const loaded: CachedRecord = {
        key: record.key,
        eTag: record.eTag,
        savedAt: record.savedAt,
        touchedAt: record.touchedAt,
        itemJson: JSON.stringify(record.item),
      };
      this.#cache.set(file, stamp, loaded);
      return loaded;
    } catch (err) {
      if (!isCorruption(err)) throw err;
      const error = new StorageCorruptError(key, file, await keepCorruptCopy(file), describeCorruption(err, 'not a stored record'), err);
      if (this.#onCorrupt) {
        // The copy is on disk: without the broken file the key starts afresh (a WeChat user's
        // key is their openid, so a file that kept failing would cut them off for good).
        await rm(file, { force: true });
        this.#onCorrupt(error);
        return null;
      }
      if (onCorrupt === 'throw') throw error;
      return null; // an unconditional write replaces the broken file; the copy stays next to it
    }
  }

  /** Writes a record durably (acknowledged only after fsync, as always) and keeps it as the cached version of its file. */
  async #store(file: string, record: CachedRecord, item = JSON.parse(record.itemJson) as Record<string, unknown>): Promise<void> {
    this.#cache.delete(file);
    const { itemJson: _json, touchedAt, ...meta } = record;
    const stored: StoredRecord = { ...meta, ...(touchedAt === undefined ? {} : { touchedAt }), item };
    this.#cache.set(file, stampOf(await this.#adapter(file).writeAndStat(stored)), record);
  }

  #adapter(file: string): DurableJsonFile<StoredRecord | null> {
    return new DurableJsonFile<StoredRecord | null>(
      file,
      (value) => parseRecordAt(this.dir, file, value),
      (record) => {
        if (!record) throw new TypeError('LowdbStorage: refusing to write an empty record');
        return serializeRecord(record);
      },
    );
  }

  #isExpired(record: Pick<StoredRecord, 'savedAt' | 'touchedAt'>, now: number): boolean {
    return this.ttlMs !== undefined && now - lastActive(record) > this.ttlMs;
  }
}

/** Like Promise.all, but waits for every promise before rejecting with the first failure. */
async function settleAll(promises: Array<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
