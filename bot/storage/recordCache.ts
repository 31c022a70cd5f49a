import type { Stats } from 'node:fs';
import { statSync } from 'node:fs';

/** A state record as LowdbStorage keeps it in memory: its metadata and its item as compact JSON. */
export interface CachedRecord {
  readonly key: string;
  readonly eTag: string;
  readonly savedAt: number;
  readonly touchedAt: number | undefined;
  /** the item without its eTag; every reader parses its own copy, so no caller can change what is cached */
  readonly itemJson: string;
}

/**
 * Which version of a file a cached record is: inode, size and modification time (ms, with its
 * sub-millisecond fraction). A write by this or any other process goes through a new temp file
 * renamed over the target, so it has a new inode; an edit in place changes the size or the mtime.
 * Not ctime: a rename changes it, and the writer stamps its temp file before the rename.
 */
export function stampOf(info: Stats): string {
  return `${info.ino}:${info.size}:${info.mtimeMs}`;
}

/**
 * The file's stamp, or undefined when it does not exist. Synchronous on purpose: stat of a local
 * file costs ~3 µs of CPU this way and ~30 µs as a promise (the thread-pool round trip), measured.
 */
export function fileStamp(file: string): string | undefined {
  const info = statSync(file, { throwIfNoEntry: false });
  return info && stampOf(info);
}

export interface RecordCacheOptions {
  /** most records kept (default 2,000: 1,000 conversations with their user state) */
  maxEntries?: number;
  /** most characters of item JSON kept, all records together (default 4 M, about 8 MiB) */
  maxChars?: number;
}

/**
 * LowdbStorage's write-through cache: the last record this process wrote or read of each file,
 * valid only while the file still has the stamp it had then. A hit costs one stat() instead of
 * open, fstat, read, close, JSON.parse and the schema check; a miss reads the file as before, so a
 * second process on the same DATA_DIR (unsupported: the eTag lock is per process) or an operator
 * editing a file is still seen. Bounded by count and size, least recently used first out.
 */
export class RecordCache {
  readonly #entries = new Map<string, { stamp: string; record: CachedRecord }>();
  readonly #maxEntries: number;
  readonly #maxChars: number;
  #chars = 0;
  /** lookups answered from memory, for tests and the bench */
  hits = 0;

  constructor(options: RecordCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 2_000;
    this.#maxChars = options.maxChars ?? 4_000_000;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached record of `file` if it was cached at this very stamp; a stale entry is dropped. */
  get(file: string, stamp: string): CachedRecord | undefined {
    const entry = this.#entries.get(file);
    if (!entry) return undefined;
    this.delete(file);
    if (entry.stamp !== stamp) return undefined;
    this.#entries.set(file, entry); // most recently used last
    this.#chars += entry.record.itemJson.length;
    this.hits++;
    return entry.record;
  }

  set(file: string, stamp: string, record: CachedRecord): void {
    this.delete(file);
    if (record.itemJson.length > this.#maxChars) return;
    this.#entries.set(file, { stamp, record });
    this.#chars += record.itemJson.length;
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries && this.#chars <= this.#maxChars) break;
      this.delete(oldest);
    }
  }

  delete(file: string): void {
    const entry = this.#entries.get(file);
    if (!entry) return;
    this.#entries.delete(file);
    this.#chars -= entry.record.itemJson.length;
  }
}
