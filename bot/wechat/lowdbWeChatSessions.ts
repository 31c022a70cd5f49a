import type { Logger } from '../logging/logger.js';
import { LowdbStorage } from '../storage/lowdbStorage.js';
import { freshWeChatSession, type WeChatSession, type WeChatSessionStore } from './wechatSessions.js';

const KEY_PREFIX = 'wechat-session/';

/**
 * The embedded WeChatSessionStore that outlives a restart: one small durable file per user
 * (LowdbStorage, atomic and fsynced) under `dir` (the service passes DATA_DIR/wechat-sessions),
 * forgotten after `ttlMs` idle. A turn already writes the person's state files, so one more
 * small write per message costs little. A broken file is set aside and reads as a fresh session.
 */
export class LowdbWeChatSessions implements WeChatSessionStore {
  private readonly storage: LowdbStorage;

  constructor(options: { dir: string; ttlMs: number; logger?: Logger }) {
    this.storage = new LowdbStorage({
      dir: options.dir,
      ttlMs: options.ttlMs,
      onCorrupt: (err) =>
        options.logger?.error({ err, backup: err.backupPath }, "WeChat session file corrupt: copy kept, that user's unread pages start afresh"),
    });
  }

  async load(user: string): Promise<WeChatSession> {
    const item = (await this.storage.read([KEY_PREFIX + user]))[KEY_PREFIX + user] as { session?: Partial<WeChatSession> } | undefined;
    return { ...freshWeChatSession(), ...item?.session };
  }

  async save(user: string, session: WeChatSession): Promise<void> {
    await this.storage.write({ [KEY_PREFIX + user]: { session, eTag: '*' } });
  }

  async forget(user: string): Promise<void> {
    await this.storage.delete([KEY_PREFIX + user]);
  }

  /** forgets idle users' files (called from the service's sweep timer) */
  async sweep(): Promise<void> {
    await this.storage.sweep();
  }
}
