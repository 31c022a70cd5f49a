import { Redis } from 'ioredis';
import { startRedisServer, type TestRedis } from '../support/redisServer.js';

/**
 * A private redis-server with one more Redis user, "cut-off", that stands for an instance whose
 * pub/sub connection drops: `cutOff()` kills that user's subscribed connections (CLIENT KILL) and
 * keeps them out (ACL off: reconnects fail) while its other connections go on; `letBack()` lets
 * them reconnect.
 */
export interface CuttableRedis {
  redis: TestRedis;
  /** a connection as the default user, for the test's own reads and writes */
  admin: Redis;
  /** REDIS_URL of the user that can be cut off */
  cutOffUrl: string;
  /** returns how many subscribed connections were killed */
  cutOff(): Promise<number>;
  letBack(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCuttableRedis(): Promise<CuttableRedis> {
  const redis = await startRedisServer();
  const admin = new Redis(redis.url);
  await admin.call('ACL', 'SETUSER', 'cut-off', 'on', '>cut-off-password', '~*', '&*', '+@all');
  return {
    redis,
    admin,
    cutOffUrl: `redis://cut-off:cut-off-password@127.0.0.1:${redis.port}`,
    cutOff: async () => {
      await admin.call('ACL', 'SETUSER', 'cut-off', 'off');
      return Number(await admin.call('CLIENT', 'KILL', 'USER', 'cut-off', 'TYPE', 'pubsub'));
    },
    letBack: async () => {
      await admin.call('ACL', 'SETUSER', 'cut-off', 'on');
    },
    stop: async () => {
      admin.disconnect();
      await redis.stop();
    },
  };
}
