import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import { RedisUnavailableError } from './redisUnavailableError.js';

export interface RedisConnectionOptions {
  url: string;
  /** put before every key by the drivers (REDIS_KEY_PREFIX) */
  keyPrefix: string;
  logger?: Logger;
  /** how long start-up waits for the first connection; default 5 s */
  connectTimeoutMs?: number;
}

/** The URL without its password, for logs and error messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparseable URL)';
  }
}

/**
 * One ioredis client per process, shared by the drivers, with the key prefix they put before
 * their keys. Commands fail at once while Redis is away (no offline queue): a turn then fails
 * instead of hanging, and the client reconnects on its own.
 */
export class RedisConnection {
  readonly client: Redis;
  readonly keyPrefix: string;
  readonly url: string;
  #lastError = '';

  private constructor(client: Redis, keyPrefix: string, url: string) {
    this.client = client;
    this.keyPrefix = keyPrefix;
    this.url = url;
  }

  /** Connects and checks with PING; Redis down at start-up is a RedisUnavailableError naming the URL. */
  static async connect(options: RedisConnectionOptions): Promise<RedisConnection> {
    const shownUrl = redactRedisUrl(options.url);
    const client = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      // back off up to 2 s between attempts, forever: Redis coming back must heal the service by itself
      retryStrategy: (times) => Math.min(times * 100, 2000),
    });
    const connection = new RedisConnection(client, options.keyPrefix, shownUrl);
    let reported = false;
    client.on('error', (err: Error) => {
      connection.#lastError = err.message;
      // One line per outage, not one per reconnect attempt.
      if (!reported) options.logger?.error({ err, redis: shownUrl }, 'Redis connection error');
      reported = true;
    });
    client.on('ready', () => {
      if (reported) options.logger?.info({ redis: shownUrl }, 'Redis connection back');
      reported = false;
    });
    try {
      await client.connect();
      await client.ping();
    } catch (err) {
      client.disconnect();
      throw new RedisUnavailableError(shownUrl, connection.#lastError || (err as Error).message, { cause: err });
    }
    return connection;
  }

  /** For readiness: true when a PING answers within `timeoutMs`. */
  async isReachable(timeoutMs = 1000): Promise<boolean> {
    if (this.client.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('PING timed out')), timeoutMs);
      });
      return (await Promise.race([this.client.ping(), timeout])) === 'PONG';
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The last connection error, for logs and /readyz. */
  get lastError(): string {
    return this.#lastError;
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
