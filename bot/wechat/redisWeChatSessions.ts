import type { Redis } from 'ioredis';
import { freshWeChatSession, type WeChatSession, type WeChatSessionStore } from './wechatSessions.js';

/**
 * WeChat users' unread pages, pending numbers and late replies in Redis, one JSON value per user
 * that expires after `ttlMs` idle: a restart or another instance loses none of them.
 */
export class RedisWeChatSessions implements WeChatSessionStore {
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly ttlMs: number;

  constructor(options: { client: Redis; keyPrefix: string; ttlMs: number }) {
    this.client = options.client;
    this.prefix = `${options.keyPrefix}wechat-session:`;
    this.ttlMs = options.ttlMs;
  }

  async load(user: string): Promise<WeChatSession> {
    const stored = await this.client.get(this.prefix + user);
    if (stored === null) return freshWeChatSession();
    try {
      return { ...freshWeChatSession(), ...(JSON.parse(stored) as Partial<WeChatSession>) };
    } catch {
      // Unreadable (written by something else): start afresh rather than fail the person's turn.
      return freshWeChatSession();
    }
  }

  async save(user: string, session: WeChatSession): Promise<void> {
    await this.client.set(this.prefix + user, JSON.stringify(session), 'PX', this.ttlMs);
  }

  async forget(user: string): Promise<void> {
    await this.client.del(this.prefix + user);
  }
}
