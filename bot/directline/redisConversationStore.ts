import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LuaScript } from '../redis/luaScript.js';
import { whenResubscribed } from '../redis/whenResubscribed.js';
import { ActivityTooLargeError } from './activityTooLargeError.js';
import {
  storeLimits,
  type StoreLimits,
  type ActivityPage,
  type ConversationInfo,
  type ConversationStore,
  type MemoryConversationStoreOptions,
  type StoredActivity,
  type StoreUsage,
} from './conversationStore.js';
import { ConversationsFullError } from './conversationsFullError.js';
import * as scripts from './redisConversationScripts.js';
import { StoredActivityPage } from './storedActivityPage.js';

export interface RedisConversationStoreOptions extends MemoryConversationStoreOptions {
  client: Redis;
  /** REDIS_KEY_PREFIX; this store's keys are `<prefix>dl:…` */
  keyPrefix: string;
}

/** How long keys nobody touches outlive their idle expiry before Redis collects them itself. */
const BACKSTOP_EXTRA_MS = 60 * 60_000;
const MAX_REPLACE_ATTEMPTS = 5;

/**
 * Direct Line conversations in Redis, shared by every instance (see redisConversationScripts.ts for
 * the keys): any instance answers any request, positions are handed out once across all of them,
 * and the same budgets hold as in the embedded store. `watch` subscribes to the conversation's
 * doorbell channel on a second connection, so a socket held by one instance hears an append made
 * on another.
 */
export class RedisConversationStore implements ConversationStore {
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly limits: StoreLimits;
  private readonly now: () => number;
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(options: RedisConversationStoreOptions) {
    this.client = options.client;
    this.prefix = `${options.keyPrefix}dl:`;
    this.limits = storeLimits(options);
    this.now = options.now ?? Date.now;
  }

  async create(): Promise<ConversationInfo> {
    for (;;) {
      const id = randomBytes(18).toString('base64url');
      const [status, retryAfterMs] = (await this.run(scripts.CREATE, id, this.limits.maxConversations)) as [number, number?];
      if (status === 0) throw new ConversationsFullError(this.limits.maxConversations, Number(retryAfterMs));
      if (status === 1) {
        const now = this.now();
        return { id, createdAt: now, lastActiveAt: now, started: false };
      }
    }
  }

  async get(conversationId: string): Promise<ConversationInfo | undefined> {
    const found = (await this.run(scripts.GET, conversationId)) as string[];
    if (found.length === 0) return undefined;
    return { id: conversationId, createdAt: Number(found[0]), started: found[1] === '1', lastActiveAt: Number(found[2]) };
  }

  async markStarted(conversationId: string): Promise<boolean> {
    return (await this.run(scripts.MARK_STARTED, conversationId)) === 1;
  }

  async append(conversationId: string, activity: Record<string, unknown> & { type: string }): Promise<StoredActivity | undefined> {
    const { id: _replaced, ...rest } = activity;
    const [status, result] = (await this.run(scripts.APPEND, conversationId, JSON.stringify(rest), ...this.budgets())) as [number, string | number];
    return this.stored(status, result);
  }

  async activitiesAfter(conversationId: string, watermark: number, limit: number): Promise<ActivityPage | undefined> {
    const page = (await this.run(scripts.AFTER, conversationId, watermark, Math.max(1, limit))) as string[];
    if (page.length === 0) return undefined;
    const [last, ...activities] = page;
    return new StoredActivityPage(activities, Number(last));
  }

  async replaceActivity(conversationId: string, activity: Record<string, unknown> & { id: string }): Promise<StoredActivity | undefined> {
    for (let attempt = 0; attempt < MAX_REPLACE_ATTEMPTS; attempt++) {
      const found = (await this.run(scripts.FIND, conversationId, activity.id)) as string[];
      if (found.length === 0) return undefined;
      const [position, json] = found as [string, string];
      const merged = JSON.stringify({ ...(JSON.parse(json) as Record<string, unknown>), ...activity, id: activity.id });
      const [status, bytes] = (await this.run(scripts.REPLACE, conversationId, activity.id, position, merged, ...this.budgets())) as [number, number?];
      if (status === 2) continue; // replaced or trimmed by someone else since we read it
      return this.stored(status, status === 1 ? merged : Number(bytes));
    }
    return undefined;
  }

  async deleteActivity(conversationId: string, activityId: string): Promise<boolean> {
    return (await this.run(scripts.DELETE_ACTIVITY, conversationId, activityId)) === 1;
  }

  async delete(conversationId: string): Promise<boolean> {
    return (await this.run(scripts.DELETE, conversationId)) === 1;
  }

  async usage(): Promise<StoreUsage> {
    const [conversations, bytes] = (await this.run(scripts.USAGE)) as [number, number];
    return { conversations, bytes };
  }

  async sweep(): Promise<number> {
    let removed = 0;
    // A bounded script each, so one sweep never blocks Redis for long.
    for (let round = 0; round < 100; round++) {
      const n = (await this.run(scripts.SWEEP, 500)) as number;
      removed += n;
      if (n < 500) break;
    }
    return removed;
  }

  async watch(conversationId: string, listener: () => void): Promise<() => void> {
    const channel = `${this.prefix}bell:${conversationId}`;
    const subscriber = this.ensureSubscriber();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      try {
        await subscriber.subscribe(channel);
      } catch (err) {
        if (this.listeners.get(channel) === set && set.size === 0) this.listeners.delete(channel);
        throw err;
      }
    }
    set.add(listener);
    const mine = set;
    return () => {
      mine.delete(listener);
      if (mine.size > 0 || this.listeners.get(channel) !== mine) return;
      this.listeners.delete(channel);
      subscriber.unsubscribe(channel).catch(() => undefined); // gone with the connection anyway
    };
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
    this.listeners.clear();
  }

  /** The doorbell connection: a subscribed connection can do nothing else, so it is a second one. */
  private ensureSubscriber(): Redis {
    if (this.subscriber) return this.subscriber;
    // Subscribing waits for the connection (offline queue); ioredis subscribes again after a reconnect.
    const subscriber = this.client.duplicate({ lazyConnect: false, enableOfflineQueue: true });
    subscriber.on('error', () => undefined); // the main connection reports outages
    subscriber.on('message', (channel: string) => this.ring(channel));
    // Back after an outage: whatever was appended meanwhile rang no bell here. Once subscribed again, every watcher reads.
    whenResubscribed(
      subscriber,
      () => [...this.listeners.keys()],
      (channels) => channels.forEach((channel) => this.ring(channel)),
      () => undefined, // down again: the next 'ready' rings
    );
    this.subscriber = subscriber;
    return subscriber;
  }

  private ring(channel: string): void {
    for (const listener of this.listeners.get(channel) ?? []) listener();
  }

  private budgets(): number[] {
    return [this.limits.maxActivitiesPerConversation, this.limits.maxBytesPerConversation, this.limits.maxTotalBytes];
  }

  private stored(status: number, result: string | number | undefined): StoredActivity | undefined {
    if (status === -1) throw new ActivityTooLargeError(Number(result), this.limits.maxBytesPerConversation);
    if (status !== 1) return undefined;
    return JSON.parse(String(result)) as StoredActivity;
  }

  private run(script: LuaScript, ...args: Array<string | number>): Promise<unknown> {
    return script.run(this.client, [], [this.prefix, this.now(), this.limits.idleTtlMs, this.limits.idleTtlMs + BACKSTOP_EXTRA_MS, ...args]);
  }
}
