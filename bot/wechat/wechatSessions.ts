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

/**
 * Per-user channel memory, in process, forgotten after `ttlMs` idle. A restart
 * loses only unread pages and pending numbers; the conversation itself is in
 * the bot's storage. At most `maxUsers` are kept; the least recently used go first.
 */
export class WeChatSessions {
  private readonly sessions = new Map<string, { session: WeChatSession; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxUsers = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(user: string): WeChatSession {
    const now = this.now();
    const entry = this.sessions.get(user);
    const session = entry && entry.expires > now ? entry.session : { pages: [], actions: [], late: [], lang: 'zh-CN' as Lang };
    // Re-insert so Map order is least recently used first.
    this.sessions.delete(user);
    this.sessions.set(user, { session, expires: now + this.ttlMs });
    while (this.sessions.size > this.maxUsers) this.sessions.delete(this.sessions.keys().next().value as string);
    return session;
  }

  forget(user: string): void {
    this.sessions.delete(user);
  }

  get size(): number {
    return this.sessions.size;
  }
}
