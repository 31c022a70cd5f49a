import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors/configError.js';

/**
 * An activity as stored and served: plain JSON (dates are ISO strings), with the
 * id the store assigned. Whatever the bot or the client put in is kept as is.
 */
export type StoredActivity = { id: string; type: string } & Record<string, unknown>;

export interface ConversationInfo {
  readonly id: string;
  /** ms since the epoch */
  readonly createdAt: number;
  /** ms since the epoch; any read or write of the conversation counts as activity */
  readonly lastActiveAt: number;
  /** whether the conversation has been opened (POST /conversations) and the bot told so */
  readonly started: boolean;
}

export interface ActivityPage {
  activities: StoredActivity[];
  /** the watermark to ask with next time: the position of the last activity returned (or of the log's end) */
  watermark: number;
}

/**
 * Where Direct Line conversations and their activity logs live. Every method is
 * async so a persistent store can replace the in-memory one without touching
 * the router or the adapter. Unknown (or expired) conversations read as
 * `undefined` / `false`, never as errors.
 */
export interface ConversationStore {
  create(): Promise<ConversationInfo>;
  get(conversationId: string): Promise<ConversationInfo | undefined>;
  /** Marks the conversation started; true only for the one caller that started it. */
  markStarted(conversationId: string): Promise<boolean>;
  /** Appends to the log, assigning the id `${conversationId}|${position}`; a given `id` is replaced. */
  append(conversationId: string, activity: Record<string, unknown> & { type: string }): Promise<StoredActivity | undefined>;
  /** Activities whose position is after `watermark`, oldest first, at most `limit`. */
  activitiesAfter(conversationId: string, watermark: number, limit: number): Promise<ActivityPage | undefined>;
  /** Replaces the activity with the same id; it moves to the log's end so pollers see the new version. */
  replaceActivity(conversationId: string, activity: Record<string, unknown> & { id: string }): Promise<StoredActivity | undefined>;
  deleteActivity(conversationId: string, activityId: string): Promise<boolean>;
  delete(conversationId: string): Promise<boolean>;
}

export interface MemoryConversationStoreOptions {
  /** the oldest-active conversation is dropped to make room beyond this */
  maxConversations?: number;
  /** the oldest activities of a conversation are dropped beyond this */
  maxActivitiesPerConversation?: number;
  /** conversations untouched for this long are forgotten */
  idleTtlMs?: number;
  now?: () => number;
}

interface Entry {
  seq: number;
  activity: StoredActivity;
}

interface Conversation {
  id: string;
  createdAt: number;
  lastActiveAt: number;
  started: boolean;
  nextSeq: number;
  log: Entry[];
}

export const DEFAULT_STORE_LIMITS = {
  maxConversations: 1000,
  maxActivitiesPerConversation: 200,
  idleTtlMs: 30 * 60 * 1000,
} as const;

/**
 * The in-memory store: a Map kept in least-recently-active order, so expiry and
 * eviction only ever look at its front. Activities are copied through JSON on the
 * way in and out, exactly as a persistent store would treat them.
 */
export class MemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly maxConversations: number;
  private readonly maxActivities: number;
  private readonly idleTtlMs: number;
  private readonly now: () => number;

  constructor(options: MemoryConversationStoreOptions = {}) {
    this.maxConversations = positive(options.maxConversations ?? DEFAULT_STORE_LIMITS.maxConversations, 'maxConversations');
    this.maxActivities = positive(options.maxActivitiesPerConversation ?? DEFAULT_STORE_LIMITS.maxActivitiesPerConversation, 'maxActivitiesPerConversation');
    this.idleTtlMs = positive(options.idleTtlMs ?? DEFAULT_STORE_LIMITS.idleTtlMs, 'idleTtlMs');
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.conversations.size;
  }

  async create(): Promise<ConversationInfo> {
    const now = this.now();
    this.sweep(now);
    while (this.conversations.size >= this.maxConversations) {
      const oldest = this.conversations.keys().next();
      if (oldest.done) break;
      this.conversations.delete(oldest.value);
    }
    let id = newConversationId();
    while (this.conversations.has(id)) id = newConversationId();
    const conversation: Conversation = { id, createdAt: now, lastActiveAt: now, started: false, nextSeq: 1, log: [] };
    this.conversations.set(id, conversation);
    return info(conversation);
  }

  async get(conversationId: string): Promise<ConversationInfo | undefined> {
    const c = this.touch(conversationId);
    return c && info(c);
  }

  async markStarted(conversationId: string): Promise<boolean> {
    const c = this.touch(conversationId);
    if (!c || c.started) return false;
    c.started = true;
    return true;
  }

  async append(conversationId: string, activity: Record<string, unknown> & { type: string }): Promise<StoredActivity | undefined> {
    const c = this.touch(conversationId);
    if (!c) return undefined;
    const seq = c.nextSeq++;
    const stored = { ...toJson(activity), id: activityId(conversationId, seq) } as StoredActivity;
    this.push(c, { seq, activity: stored });
    return toJson(stored);
  }

  async activitiesAfter(conversationId: string, watermark: number, limit: number): Promise<ActivityPage | undefined> {
    const c = this.touch(conversationId);
    if (!c) return undefined;
    const start = firstAfter(c.log, watermark);
    const page = c.log.slice(start, start + Math.max(1, limit));
    const last = page[page.length - 1];
    return { activities: page.map((e) => toJson(e.activity)), watermark: last ? last.seq : c.nextSeq - 1 };
  }

  async replaceActivity(conversationId: string, activity: Record<string, unknown> & { id: string }): Promise<StoredActivity | undefined> {
    const c = this.touch(conversationId);
    if (!c) return undefined;
    const index = c.log.findIndex((e) => e.activity.id === activity.id);
    const old = c.log[index];
    if (!old) return undefined;
    c.log.splice(index, 1);
    const stored = { ...old.activity, ...toJson(activity), id: old.activity.id } as StoredActivity;
    this.push(c, { seq: c.nextSeq++, activity: stored });
    return toJson(stored);
  }

  async deleteActivity(conversationId: string, id: string): Promise<boolean> {
    const c = this.touch(conversationId);
    if (!c) return false;
    const index = c.log.findIndex((e) => e.activity.id === id);
    if (index < 0) return false;
    c.log.splice(index, 1);
    return true;
  }

  async delete(conversationId: string): Promise<boolean> {
    return this.conversations.delete(conversationId);
  }

  /** Forgets idle conversations; returns how many. Runs on every create, callable on a timer too. */
  sweep(now: number = this.now()): number {
    let removed = 0;
    for (const [id, c] of this.conversations) {
      if (now - c.lastActiveAt < this.idleTtlMs) break; // the rest were active more recently
      this.conversations.delete(id);
      removed++;
    }
    return removed;
  }

  /** Looks the conversation up, drops it if idle too long, else marks it active (moving it to the Map's end). */
  private touch(conversationId: string): Conversation | undefined {
    const c = this.conversations.get(conversationId);
    if (!c) return undefined;
    const now = this.now();
    this.conversations.delete(conversationId);
    if (now - c.lastActiveAt >= this.idleTtlMs) return undefined;
    c.lastActiveAt = now;
    this.conversations.set(conversationId, c);
    return c;
  }

  private push(c: Conversation, entry: Entry): void {
    c.log.push(entry);
    if (c.log.length > this.maxActivities) c.log.splice(0, c.log.length - this.maxActivities);
  }
}

export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

function newConversationId(): string {
  return randomBytes(18).toString('base64url');
}

function info(c: Conversation): ConversationInfo {
  return { id: c.id, createdAt: c.createdAt, lastActiveAt: c.lastActiveAt, started: c.started };
}

/** Binary search: the index of the first entry whose seq is after the watermark (seqs only grow along the log). */
function firstAfter(log: readonly Entry[], watermark: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((log[mid]?.seq ?? Infinity) <= watermark) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function toJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function positive(n: number, name: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, got ${n}`, { [name]: n });
  return n;
}
