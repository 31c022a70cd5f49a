/**
 * One holder per key at a time (here: one turn per conversation). Two drivers: KeyedMutex in
 * process (embedded mode, one instance) and RedisKeyedLock across instances.
 */
export interface LockLease {
  readonly key: string;
  /** Aborted when the lease was lost (its expiry passed without renewal): stop, your writes may race. */
  readonly signal: AbortSignal;
  /** Lets the next holder in; true if this lease still held the key. Idempotent, never releases another holder's lease. */
  release(): Promise<boolean>;
}

export interface KeyedLock {
  /** Waits for the key (a driver may give up with LockTimeoutError) and holds it until `release`. */
  acquire(key: string): Promise<LockLease>;
  /** The key if nobody holds it, else undefined at once. */
  tryAcquire(key: string): Promise<LockLease | undefined>;
  /** Runs `fn` holding the key and releases it however `fn` ends. */
  withLock<T>(key: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
}
