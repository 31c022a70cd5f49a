import type { KeyedLock, LockLease } from './keyedLock.js';

/** In process a lease is lost only with the process, so its signal never fires. */
const NEVER_ABORTED = new AbortController().signal;

/**
 * In-process mutual exclusion per string id, built on promise chains: `run(ids, fn)` waits until
 * no other `run` holds any of the ids, then runs `fn`. Ids are taken in sorted order, so two runs
 * that need overlapping sets cannot deadlock. An id's entry is dropped when its last holder
 * finishes, so memory follows the number of ids in use, not the number ever used. Waiters are
 * served first come, first served.
 *
 * It is also the embedded driver of KeyedLock (one key at a time); RedisKeyedLock is the other.
 */
export class KeyedMutex implements KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(ids: readonly string[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(ids)].sort();
    const releases: Array<() => void> = [];
    try {
      for (const id of sorted) releases.push(await this.#acquire(id));
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  async acquire(key: string): Promise<LockLease> {
    return this.#lease(key, await this.#acquire(key));
  }

  async tryAcquire(key: string): Promise<LockLease | undefined> {
    if (this.#tails.has(key)) return undefined;
    return this.acquire(key);
  }

  withLock<T>(key: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.run([key], () => fn(NEVER_ABORTED));
  }

  #lease(key: string, release: () => void): LockLease {
    let held = true;
    return {
      key,
      signal: NEVER_ABORTED,
      release: async () => {
        const was = held;
        held = false;
        release();
        return was;
      },
    };
  }

  async #acquire(id: string): Promise<() => void> {
    const previous = this.#tails.get(id) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.#tails.set(id, tail);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (this.#tails.get(id) === tail) this.#tails.delete(id);
    };
  }
}
