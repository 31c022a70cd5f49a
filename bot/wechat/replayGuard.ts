/** Runs a keyed task once and answers its repeats with the first answer: in process, or shared through Redis. */
export interface ReplayStore<T> {
  /** Runs `task` the first time `key` is seen; `repeated` says whether this call got an earlier answer. */
  run(key: string, task: () => Promise<T>): Promise<{ value: T; repeated: boolean }>;
}

/**
 * Answers a repeated request with the first one's answer instead of running it
 * again. WeChat retries a message up to three times when an answer is slow; a
 * retry that arrives while the first is still running waits for it. Entries are
 * forgotten after `ttlMs`; at most `maxEntries` are kept (oldest go first).
 */
export class ReplayGuard<T> implements ReplayStore<T> {
  private readonly entries = new Map<string, { result: Promise<T>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `task` the first time `key` is seen; `repeated` says whether this call got an earlier answer. */
  async run(key: string, task: () => Promise<T>): Promise<{ value: T; repeated: boolean }> {
    const now = this.now();
    this.expire(now);
    const seen = this.entries.get(key);
    if (seen) return { value: await seen.result, repeated: true };
    const result = task();
    this.entries.set(key, { result, expires: now + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    // A failed first attempt did not answer: let a retry try again rather than replay the failure.
    result.catch(() => {
      if (this.entries.get(key)?.result === result) this.entries.delete(key);
    });
    return { value: await result, repeated: false };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries are inserted in time order, so expired ones are at the front. */
  private expire(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expires > now) break;
      this.entries.delete(key);
    }
  }
}
