import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import type { RedisBus } from './redisBus.js';

export interface VersionedReloadOptions {
  client: Redis;
  keyPrefix: string;
  bus: RedisBus;
  /** the bus channel, and the counter `<prefix>version:<name>` */
  name: string;
  /** how often the counter is read besides the bus's doorbell and its reconnects (REDIS_RESYNC_SECONDS) */
  checkEveryMs: number;
  logger?: Pick<Logger, 'info' | 'error'>;
}

/**
 * A reload that every instance must make (re-indexing with the learned examples), which a missed
 * pub/sub message cannot skip: each reload is a number in Redis (INCR), each instance remembers the
 * number it last loaded, and reads Redis's when the bus rings, when the bus connection comes back
 * and every `checkEveryMs`, reloading when it is behind. Reloads of one instance run one at a time,
 * so an older one never finishes after, and overwrites, a newer one.
 */
export class VersionedReload {
  readonly #client: Redis;
  readonly #key: string;
  readonly #options: VersionedReloadOptions;
  #loaded: number;
  #reload: (() => Promise<unknown>) | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  private constructor(options: VersionedReloadOptions, loaded: number) {
    this.#client = options.client;
    this.#key = `${options.keyPrefix}version:${options.name}`;
    this.#options = options;
    this.#loaded = loaded;
  }

  /** Reads the current number as loaded: call it before loading what it counts, so a reload made meanwhile is not skipped. */
  static async open(options: VersionedReloadOptions): Promise<VersionedReload> {
    if (!(Number.isInteger(options.checkEveryMs) && options.checkEveryMs > 0)) {
      throw new RangeError(`VersionedReload: checkEveryMs must be a positive integer, got ${options.checkEveryMs}`);
    }
    return new VersionedReload(options, Number(await options.client.get(`${options.keyPrefix}version:${options.name}`)) || 0);
  }

  /** the number of the last reload this instance made */
  get loaded(): number {
    return this.#loaded;
  }

  /** From now on runs `reload` whenever this instance is behind. */
  async follow(reload: () => Promise<unknown>): Promise<void> {
    this.#reload = reload;
    const check = (): void => void this.check();
    await this.#options.bus.subscribe(this.#options.name, check);
    this.#options.bus.onReconnect(check);
    this.#timer = setInterval(check, this.#options.checkEveryMs);
    this.#timer.unref();
    // a reload announced since `open`, before this subscription, rang no bell here
    check();
  }

  /** A reload asked of this instance (POST /api/admin/reload): counted first, made here, then rung to the others. */
  async announce<T>(reload: () => Promise<T>): Promise<T> {
    const version = await this.#client.incr(this.#key);
    const result = await this.#serial(async () => {
      const value = await reload();
      this.#loaded = Math.max(this.#loaded, version);
      return value;
    });
    await this.#options.bus.publish(this.#options.name, { version });
    return result;
  }

  /**
   * Reloads if Redis counts a reload this instance has not made, or counts fewer (Redis lost its data:
   * the shared examples may be gone too); a failure is logged and retried at the next check.
   */
  check(): Promise<void> {
    return this.#serial(async () => {
      const reload = this.#reload;
      if (!reload) return;
      const version = Number(await this.#client.get(this.#key)) || 0;
      if (version === this.#loaded) return;
      await reload();
      this.#options.logger?.info({ reload: this.#options.name, from: this.#loaded, to: version }, "re-loaded after another instance's reload");
      this.#loaded = version;
    }).catch((err: unknown) => this.#options.logger?.error({ err, reload: this.#options.name }, 'reload check failed; trying again at the next one'));
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
