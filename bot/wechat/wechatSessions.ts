import type { Lang } from '../i18n/localizer.js';

/** What the channel remembers about one WeChat user between messages (not the bot's state: that is in storage). */
export interface WeChatSession {
  /** pages of the last reply still unread; "更多" returns the next */
  pages: string[];
  /** values that "1", "2" … stand for (the last reply's suggested actions) */
  actions: string[];
  /** replies of turns that missed WeChat's deadline, given with the next reply */
  late: string[];
  /** the language of the last reply, for the channel's own hints */
  lang: Lang;
}

/** Where the channel keeps each user's WeChatSession between messages. */
export interface WeChatSessionStore {
  /** the user's session, or a fresh one */
  load(user: string): Promise<WeChatSession>;
  /** keeps `session` as the user's, for the idle TTL from now */
  save(user: string, session: WeChatSession): Promise<void>;
  forget(user: string): Promise<void>;
}

export const freshWeChatSession = (): WeChatSession => ({ pages: [], actions: [], late: [], lang: 'zh-CN' });

/**
 * Per-user channel memory, in process (one instance; RedisWeChatSessions shares it across instances), forgotten after `ttlMs` idle. A restart
 * loses only unread pages and pending numbers; the conversation itself is in
 * the bot's storage. At most `maxUsers` are kept; the least recently used go first.
 */
export class WeChatSessions implements WeChatSessionStore {
  private readonly sessions = new Map<string, { session: WeChatSession; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxUsers = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(user: string): WeChatSession {
    const now = this.now();
    const entry = this.sessions.get(user);
    const session = entry && entry.expires > now ? entry.session : freshWeChatSession();
    this.put(user, session);
    return session;
  }

  async load(user: string): Promise<WeChatSession> {
    return this.get(user);
  }

  async save(user: string, session: WeChatSession): Promise<void> {
    this.put(user, session);
  }

  async forget(user: string): Promise<void> {
    this.sessions.delete(user);
  }

  /** Re-inserts so Map order is least recently used first. */
  private put(user: string, session: WeChatSession): void {
    this.sessions.delete(user);
    this.sessions.set(user, { session, expires: this.now() + this.ttlMs });
    while (this.sessions.size > this.maxUsers) this.sessions.delete(this.sessions.keys().next().value as string);
  }

  get size(): number {
    return this.sessions.size;
  }
}
