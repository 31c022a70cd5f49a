import { afterAll, beforeAll } from 'vitest';
import { startRedisServer, type TestRedis } from './redisServer.js';

/**
 * A redis-server of the file's own for all its tests: started before them, stopped after. Kept
 * apart from redisServer.ts, which the benches import outside vitest (where importing vitest throws).
 * Read `url` inside hooks and tests only.
 */
export function useRedisServer(): { readonly url: string } {
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return {
    get url() {
      if (!redis) throw new Error('useRedisServer: the server starts in beforeAll');
      return redis.url;
    },
  };
}
