/**
 * In-process mutual exclusion per string id, built on promise chains: `run(ids, fn)` waits until
 * no other `run` holds any of the ids, then runs `fn`. Ids are taken in sorted order, so two runs
 * that need overlapping sets cannot deadlock. An id's entry is dropped when its last holder
 * finishes, so memory follows the number of ids in use, not the number ever used.
 */
export class KeyedMutex {
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
