import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LOCK_RELEASE, LOCK_RENEW } from '../redis/scripts.js';
import type { KeyedLock, LockLease } from './keyedLock.js';
import { LockLostError } from './lockLostError.js';
import { LockTimeoutError } from './lockTimeoutError.js';

export interface RedisKeyedLockOptions {
  client: Redis;
  /** REDIS_KEY_PREFIX; the lock of key K lives at `<prefix>lock:K` */
  keyPrefix: string;
  /** how long a lease outlives a holder that stopped renewing it (crashed, cut off); default 10 s */
  leaseMs?: number;
  /** renewal period while held; default leaseMs / 3; 0: never renew (tests of a frozen holder) */
  renewEveryMs?: number;
  /** how long `acquire` waits before LockTimeoutError; default 30 s */
  acquireTimeoutMs?: number;
}

const MIN_RETRY_MS = 5;
const MAX_RETRY_MS = 100;

/**
 * KeyedLock across instances on one Redis: SET key token NX PX leaseMs takes it; the holder
 * renews it (compare-and-PEXPIRE in Lua) every renewEveryMs, so a long turn keeps it and a dead
 * holder's lease ends within leaseMs; release deletes it only if the token is still ours
 * (compare-and-delete in Lua), so a holder whose lease expired can never free the next holder's.
 * Waiters poll with a jittered backoff (5–100 ms): simple, and turns of one conversation rarely
 * contend.
 */
export class RedisKeyedLock implements KeyedLock {
  readonly leaseMs: number;
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #renewEveryMs: number;
  readonly #acquireTimeoutMs: number;

  constructor(options: RedisKeyedLockOptions) {
    this.#client = options.client;
    this.#prefix = `${options.keyPrefix}lock:`;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.#renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(this.leaseMs / 3));
    this.#acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
    if (!(Number.isInteger(this.leaseMs) && this.leaseMs > 0)) throw new RangeError(`RedisKeyedLock: leaseMs must be a positive integer, got ${this.leaseMs}`);
    if (!(this.#renewEveryMs >= 0 && this.#renewEveryMs < this.leaseMs)) {
      throw new RangeError(`RedisKeyedLock: renewEveryMs must be below leaseMs (${this.leaseMs}), got ${this.#renewEveryMs}`);
    }
  }

  redisKey(key: string): string {
    return this.#prefix + key;
  }

  async acquire(key: string): Promise<LockLease> {
    const started = Date.now();
    let wait = MIN_RETRY_MS;
    for (;;) {
      const lease = await this.tryAcquire(key);
      if (lease) return lease;
      const left = started + this.#acquireTimeoutMs - Date.now();
      if (left <= 0) throw new LockTimeoutError(key, Date.now() - started);
      await new Promise((r) => setTimeout(r, Math.min(left, wait * (0.5 + Math.random()))));
      wait = Math.min(wait * 2, MAX_RETRY_MS);
    }
  }

  async tryAcquire(key: string): Promise<LockLease | undefined> {
    const token = randomUUID();
    const redisKey = this.redisKey(key);
    const ok = await this.#client.set(redisKey, token, 'PX', this.leaseMs, 'NX');
    return ok === 'OK' ? this.#lease(key, redisKey, token) : undefined;
  }

  async withLock<T>(key: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const lease = await this.acquire(key);
    try {
      return await fn(lease.signal);
    } finally {
      // If Redis is away the lease simply expires; fn's own outcome matters more.
      await lease.release().catch(() => false);
    }
  }

  #lease(key: string, redisKey: string, token: string): LockLease {
    const lost = new AbortController();
    let validUntil = Date.now() + this.leaseMs;
    let released = false;
    let timer: NodeJS.Timeout | undefined;
    if (this.#renewEveryMs > 0) {
      timer = setInterval(() => {
        const sent = Date.now();
        LOCK_RENEW.run(this.#client, [redisKey], [token, this.leaseMs]).then(
          (renewed) => {
            if (released) return;
            if (renewed === 1) validUntil = sent + this.leaseMs;
            else stop(); // expired and maybe taken: tell the holder
          },
          () => {
            // Redis unreachable: the lease may still stand; give up once it surely ended.
            if (!released && Date.now() >= validUntil) stop();
          },
        );
      }, this.#renewEveryMs);
      timer.unref();
    }
    const stop = (): void => {
      clearInterval(timer);
      if (!lost.signal.aborted) lost.abort(new LockLostError(key));
    };
    return {
      key,
      signal: lost.signal,
      release: async () => {
        if (released) return false;
        released = true;
        clearInterval(timer);
        return (await LOCK_RELEASE.run(this.#client, [redisKey], [token])) === 1;
      },
    };
  }
}
