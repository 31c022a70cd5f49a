import type { Redis } from 'ioredis';
import type { StaffSessionStore } from './staffSessionStore.js';

/**
 * The shared StaffSessionStore (REDIS_URL): one key per session that Redis itself expires at the
 * session's end, so a sign-in made on one instance verifies on every other, and a sign-out on any
 * of them revokes it everywhere. Nothing to sweep.
 */
export class RedisStaffSessionStore implements StaffSessionStore {
  private readonly client: Redis;
  private readonly prefix: string;

  constructor(options: { client: Redis; keyPrefix: string }) {
    this.client = options.client;
    this.prefix = `${options.keyPrefix}staff-session:`;
  }

  async add(id: string, expiresAt: number): Promise<void> {
    await this.client.set(this.prefix + id, String(expiresAt), 'PXAT', expiresAt);
  }

  async isLive(id: string, now: number): Promise<boolean> {
    // The stored end is checked too: the caller's clock, not only Redis's, decides (as in the embedded store).
    const expiresAt = Number(await this.client.get(this.prefix + id));
    return Number.isFinite(expiresAt) && expiresAt > now;
  }

  async remove(id: string): Promise<void> {
    await this.client.del(this.prefix + id);
  }

  async sweep(): Promise<void> {
    // Redis expires each session key at its end.
  }
}
