import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LOCK_RELEASE } from '../redis/scripts.js';
import type { ReplayStore } from './replayGuard.js';
import { ReplayPendingError } from './replayPendingError.js';

const PENDING = 'pending:';
const DONE = 'done:';

export interface RedisReplayGuardOptions {
  client: Redis;
  keyPrefix: string;
  /** how long an answer is kept for repeats */
  ttlMs: number;
  /** how long a claim lasts without an answer (an instance that died mid-turn frees the key after it); default 30 s */
  pendingMs?: number;
  /** how long a repeat waits for the first answer before giving up (the service: WeChat's reply deadline); default 10 s */
  waitMs?: number;
  /** between reads while waiting; default 25 ms */
  pollMs?: number;
}

/**
 * The WeChat MsgId replay guard shared by every instance: the first to claim a key with
 * `SET NX PX` runs the turn and stores its answer under the same key; a repeat on any instance
 * waits for that answer and returns it, so one message runs the bot once and every copy of it is
 * answered alike. A failed first attempt frees the key (compare-and-delete), so a retry can run.
 */
export class RedisReplayGuard<T> implements ReplayStore<T> {
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly pendingMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;

  constructor(options: RedisReplayGuardOptions) {
    this.client = options.client;
    this.prefix = `${options.keyPrefix}wechat-replay:`;
    this.ttlMs = options.ttlMs;
    this.pendingMs = options.pendingMs ?? 30_000;
    this.waitMs = options.waitMs ?? 10_000;
    this.pollMs = options.pollMs ?? 25;
  }

  async run(key: string, task: () => Promise<T>): Promise<{ value: T; repeated: boolean }> {
    const redisKey = this.prefix + key;
    const claim = PENDING + randomUUID();
    const started = Date.now();
    for (;;) {
      if ((await this.client.set(redisKey, claim, 'PX', this.pendingMs, 'NX')) === 'OK') {
        let value: T;
        try {
          value = await task();
        } catch (err) {
          await LOCK_RELEASE.run(this.client, [redisKey], [claim]).catch(() => undefined);
          throw err;
        }
        await this.client.set(redisKey, DONE + JSON.stringify(value), 'PX', this.ttlMs);
        return { value, repeated: false };
      }
      const stored = await this.client.get(redisKey);
      if (stored?.startsWith(DONE)) return { value: JSON.parse(stored.slice(DONE.length)) as T, repeated: true };
      // Bounded: a first attempt that never answers (its instance died) must not hold WeChat's request.
      if (Date.now() - started >= this.waitMs) throw new ReplayPendingError(Date.now() - started);
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }
}
