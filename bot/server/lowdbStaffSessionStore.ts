import type { Logger } from '../logging/logger.js';
import { LowdbStorage } from '../storage/lowdbStorage.js';
import type { StaffSessionStore } from './staffSessionStore.js';

const KEY_PREFIX = 'staff-session/';

/**
 * The embedded StaffSessionStore: one small durable file per session (LowdbStorage, atomic and
 * fsynced), under `dir` (the service passes DATA_DIR/staff-sessions), so a restart keeps staff
 * signed in and a revoked session stays revoked. A broken session file is set aside (copy kept)
 * and reads as signed out.
 */
export class LowdbStaffSessionStore implements StaffSessionStore {
  private readonly storage: LowdbStorage;

  constructor(options: { dir: string; sessionMs: number; logger: Logger }) {
    this.storage = new LowdbStorage({
      dir: options.dir,
      // a session is gone once it has expired, whether or not it was used (reads never extend it)
      ttlMs: options.sessionMs,
      touchIntervalMs: 2 * options.sessionMs,
      onCorrupt: (err) => options.logger.error({ err, backup: err.backupPath }, 'staff session file corrupt: copy kept, that session is signed out'),
    });
  }

  async add(id: string, expiresAt: number): Promise<void> {
    await this.storage.write({ [KEY_PREFIX + id]: { expiresAt, eTag: '*' } });
  }

  async isLive(id: string, now: number): Promise<boolean> {
    const item = (await this.storage.read([KEY_PREFIX + id]))[KEY_PREFIX + id] as { expiresAt?: unknown } | undefined;
    return typeof item?.expiresAt === 'number' && item.expiresAt > now;
  }

  async remove(id: string): Promise<void> {
    await this.storage.delete([KEY_PREFIX + id]);
  }

  async sweep(): Promise<void> {
    await this.storage.sweep();
  }
}
