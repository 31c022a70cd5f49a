import type { Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';

/**
 * express-rate-limit's counts in Redis (rate-limit-redis), one key space per limiter under the
 * service's prefix, so every instance spends one budget per client instead of one each.
 */
export function redisRateLimitStores(client: Redis, keyPrefix: string): (name: string) => Store {
  return (name) =>
    new RedisStore({
      prefix: `${keyPrefix}rl:${name}:`,
      sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as Promise<RedisReply>,
    });
}
