import { Low } from 'lowdb';
import { z } from 'zod';
import { DataFileCorruptError } from '../errors/dataFileCorruptError.js';
import { describeCorruption, DurableJsonFile, isCorruption, keepCorruptCopy } from '../storage/durableJsonFile.js';

interface Pending<T> {
  change: (doc: T) => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * One lowdb JSON file under DATA_DIR, kept in memory and changed through `update`. Writes are atomic
 * and durable (DurableJsonFile) and group-committed: changes that arrive while a write is on
 * its way are applied together in the next write, so many concurrent writers cost a few fsyncs,
 * not one each, and none is lost. `update` resolves only once its change is on disk.
 *
 * A file that is not valid JSON or not in `schema` throws DataFileCorruptError (after keeping a
 * copy) on every use; it is never replaced by an empty document, unless `setAside` is given: then
 * the copy is kept, `setAside` is told, and the document starts empty (the next write replaces the
 * broken file), so one broken file does not stop the service.
 */
export class JsonDocument<T> {
  readonly #db: Low<T>;
  #loaded = false;
  #pending: Array<Pending<T>> = [];
  #flushing: Promise<void> | undefined;

  readonly #empty: () => T;
  readonly #setAside: ((err: DataFileCorruptError) => void) | undefined;

  constructor(
    readonly path: string,
    schema: z.ZodType<T>,
    empty: () => T,
    options: { setAside?: (err: DataFileCorruptError) => void } = {},
  ) {
    this.#db = new Low<T>(new DurableJsonFile<T>(path, (value) => schema.parse(value)), empty());
    this.#empty = empty;
    this.#setAside = options.setAside;
  }

  /** The current document (loaded on first use). Treat it as read-only; change it through `update`. */
  async read(): Promise<T> {
    if (!this.#loaded) {
      try {
        // A missing file leaves the empty document; a broken one throws.
        await this.#db.read();
      } catch (err) {
        if (!isCorruption(err)) throw err;
        const corrupt = new DataFileCorruptError(this.path, await keepCorruptCopy(this.path), describeCorruption(err, 'not in the expected format', 3), err);
        if (!this.#setAside) throw corrupt;
        this.#setAside(corrupt);
        this.#db.data = this.#empty();
      }
      this.#loaded = true;
    }
    return this.#db.data;
  }

  update(change: (doc: T) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ change, resolve, reject });
      this.#flushing ??= this.#flush().finally(() => {
        this.#flushing = undefined;
      });
    });
  }

  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0);
      try {
        const before = await this.read();
        const doc = structuredClone(before);
        for (const p of batch) p.change(doc);
        this.#db.data = doc;
        try {
          await this.#db.write();
        } catch (err) {
          this.#db.data = before;
          throw err;
        }
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
  }
}
