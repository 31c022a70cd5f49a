import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors/configError.js';
import type { Logger } from '../logging/logger.js';
import { ActivityTooLargeError } from './activityTooLargeError.js';
import { ConversationFiles, type SavedConversation } from './conversationFiles.js';
import { ConversationsFullError } from './conversationsFullError.js';
import { StoredActivityPage, type ActivityPage, type StoredActivity } from './storedActivityPage.js';

export type { ActivityPage, StoredActivity } from './storedActivityPage.js';

export interface ConversationInfo {
  readonly id: string;
  /** ms since the epoch */
  readonly createdAt: number;
  /** ms since the epoch; any read or write of the conversation counts as activity */
  readonly lastActiveAt: number;
  /** whether the conversation has been opened (POST /conversations) and the bot told so */
  readonly started: boolean;
}

/** What a store holds now, for budgets, tests and logs. */
export interface StoreUsage {
  conversations: number;
  /** UTF-8 bytes of every stored activity as JSON */
  bytes: number;
}

/**
 * Where Direct Line conversations and their activity logs live. Every method is
 * async so a persistent store can replace the in-memory one without touching
 * the router or the adapter. Unknown (or expired) conversations read as
 * `undefined` / `false`, never as errors.
 *
 * Budgets are part of the contract, so anyone on the internet cannot make a store grow
 * without bound:
 * - `create()` rejects with `ConversationsFullError` at the conversation limit; a live
 *   conversation is never dropped to make room, idle ones expire by time;
 * - a log keeps at most its count and byte budget, dropping its own oldest activities;
 * - all logs together keep within a total byte budget: the largest logs give up their
 *   oldest activities first, so one client's bulk never costs a small conversation its history;
 * - `append` / `replaceActivity` reject with `ActivityTooLargeError` when one activity is
 *   bigger than a conversation's whole budget.
 */
export interface ConversationStore {
  /** @throws ConversationsFullError */
  create(): Promise<ConversationInfo>;
  get(conversationId: string): Promise<ConversationInfo | undefined>;
  /** Marks the conversation started; true only for the one caller that started it. */
  markStarted(conversationId: string): Promise<boolean>;
  /**
   * Appends to the log, assigning the id `${conversationId}|${position}`; a given `id` is replaced.
   * @throws ActivityTooLargeError
   */
  append(conversationId: string, activity: Record<string, unknown> & { type: string }): Promise<StoredActivity | undefined>;
  /** Activities whose position is after `watermark`, oldest first, at most `limit`. */
  activitiesAfter(conversationId: string, watermark: number, limit: number): Promise<ActivityPage | undefined>;
  /**
   * Replaces the activity with the same id; it moves to the log's end so pollers see the new version.
   * @throws ActivityTooLargeError
   */
  replaceActivity(conversationId: string, activity: Record<string, unknown> & { id: string }): Promise<StoredActivity | undefined>;
  deleteActivity(conversationId: string, activityId: string): Promise<boolean>;
  delete(conversationId: string): Promise<boolean>;
  usage(): Promise<StoreUsage>;
  /**
   * Calls `listener` whenever the conversation's log may have grown, on whichever instance it grew
   * (the doorbell of WebSocket streams: the listener then reads from its watermark). Resolves to
   * the function that stops watching.
   */
  watch(conversationId: string, listener: () => void): Promise<() => void>;
  /** Forgets idle conversations; returns how many. */
  sweep(): Promise<number>;
  /** Waits for writes in flight and lets go of connections. */
  close(): Promise<void>;
}

export interface MemoryConversationStoreOptions {
  /** beyond this, new conversations are refused until idle ones expire */
  maxConversations?: number;
  /** the oldest activities of a conversation are dropped beyond this */
  maxActivitiesPerConversation?: number;
  /** the oldest activities of a conversation are dropped beyond this many bytes (JSON, UTF-8) */
  maxBytesPerConversation?: number;
  /** all logs together; beyond it the largest logs lose their oldest activities */
  maxTotalBytes?: number;
  /** conversations untouched for this long are forgotten */
  idleTtlMs?: number;
  now?: () => number;
}

export interface EmbeddedConversationStoreOptions extends MemoryConversationStoreOptions {
  /** where each conversation is kept so it survives a restart (DATA_DIR/directline) */
  files?: ConversationFiles;
}

/** An activity kept as its JSON text: a string costs about its UTF-8 size in V8, a parsed object several times that. */
interface Entry {
  seq: number;
  id: string;
  json: string;
  bytes: number;
}

interface Conversation {
  id: string;
  createdAt: number;
  lastActiveAt: number;
  started: boolean;
  nextSeq: number;
  log: Entry[];
  /** sum of the log's entry bytes */
  bytes: number;
}

export const DEFAULT_STORE_LIMITS = {
  maxConversations: 10_000,
  maxActivitiesPerConversation: 200,
  maxBytesPerConversation: 256 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  idleTtlMs: 30 * 60 * 1000,
} as const;

/**
 * The embedded store, for one instance: a Map kept in least-recently-active order, so expiry only
 * ever looks at its front. Activities are kept as JSON text, exactly as a persistent store would
 * keep them, and measured in UTF-8 bytes. With `files`, every change is on disk (one durable file
 * per conversation) before the call resolves, and `open` reads them back after a restart; reads
 * are not written, so after a restart idle time counts from the last write.
 */
export class MemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly files: ConversationFiles | undefined;
  private readonly limits: StoreLimits;
  private readonly now: () => number;
  private totalBytes = 0;

  constructor(options: EmbeddedConversationStoreOptions = {}) {
    this.files = options.files;
    this.limits = storeLimits(options);
    this.now = options.now ?? Date.now;
  }

  /** A store whose conversations live in `dir` too, with those saved there before loaded (the idle ones dropped). */
  static async open(options: MemoryConversationStoreOptions & { dir: string; logger?: Logger }): Promise<MemoryConversationStore> {
    const files = new ConversationFiles(options.dir, options.logger);
    const store = new MemoryConversationStore({ ...options, files });
    const saved = (await files.loadAll()).sort((a, b) => a.lastActiveAt - b.lastActiveAt);
    for (const s of saved) store.restore(s);
    await store.sweep();
    options.logger?.info({ conversations: store.size, dir: options.dir }, 'Direct Line conversations read back from disk');
    return store;
  }

  get size(): number {
    return this.conversations.size;
  }

  async usage(): Promise<StoreUsage> {
    return { conversations: this.conversations.size, bytes: this.totalBytes };
  }

  async create(): Promise<ConversationInfo> {
    const now = this.now();
    await this.persist(this.sweepNow(now));
    if (this.conversations.size >= this.limits.maxConversations) {
      const oldest = this.conversations.values().next().value;
      const retryAfterMs = oldest ? oldest.lastActiveAt + this.limits.idleTtlMs - now : this.limits.idleTtlMs;
      throw new ConversationsFullError(this.limits.maxConversations, retryAfterMs);
    }
    let id = newConversationId();
    while (this.conversations.has(id)) id = newConversationId();
    const conversation: Conversation = { id, createdAt: now, lastActiveAt: now, started: false, nextSeq: 1, log: [], bytes: 0 };
    this.conversations.set(id, conversation);
    await this.persist([id]);
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
    await this.persist([c.id]);
    return true;
  }

  async append(conversationId: string, activity: Record<string, unknown> & { type: string }): Promise<StoredActivity | undefined> {
    const c = this.touch(conversationId);
    if (!c) return undefined;
    const entry = this.entry(c.nextSeq, activityId(conversationId, c.nextSeq), activity);
    c.nextSeq++;
    await this.persist(this.push(c, entry));
    this.ring(conversationId);
    return JSON.parse(entry.json) as StoredActivity;
  }

  async activitiesAfter(conversationId: string, watermark: number, limit: number): Promise<ActivityPage | undefined> {
    const c = this.touch(conversationId);
    if (!c) return undefined;
    const start = firstAfter(c.log, watermark);
    const page = c.log.slice(start, start + Math.max(1, limit));
    const last = page[page.length - 1];
    return new StoredActivityPage(
      page.map((e) => e.json),
      last ? last.seq : c.nextSeq - 1,
    );
  }

  async replaceActivity(conversationId: string, activity: Record<string, unknown> & { id: string }): Promise<StoredActivity | undefined> {
    const c = this.touch(conversationId);
    if (!c) return undefined;
    const index = c.log.findIndex((e) => e.id === activity.id);
    const old = c.log[index];
    if (!old) return undefined;
    // Throws before the old version is removed.
    const entry = this.entry(c.nextSeq, old.id, { ...(JSON.parse(old.json) as Record<string, unknown>), ...activity });
    c.nextSeq++;
    c.log.splice(index, 1);
    this.forget(c, old.bytes);
    await this.persist(this.push(c, entry));
    this.ring(conversationId);
    return JSON.parse(entry.json) as StoredActivity;
  }

  async deleteActivity(conversationId: string, id: string): Promise<boolean> {
    const c = this.touch(conversationId);
    if (!c) return false;
    const index = c.log.findIndex((e) => e.id === id);
    const old = c.log[index];
    if (!old) return false;
    c.log.splice(index, 1);
    this.forget(c, old.bytes);
    await this.persist([c.id]);
    return true;
  }

  async delete(conversationId: string): Promise<boolean> {
    const removed = this.remove(conversationId);
    await this.persist([conversationId]);
    return removed;
  }

  async watch(conversationId: string, listener: () => void): Promise<() => void> {
    let set = this.watchers.get(conversationId);
    if (!set) this.watchers.set(conversationId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.watchers.get(conversationId) === set) this.watchers.delete(conversationId);
    };
  }

  /** Forgets idle conversations; returns how many. Runs on every create, callable on a timer too. */
  async sweep(now: number = this.now()): Promise<number> {
    const removed = this.sweepNow(now);
    await this.persist(removed);
    return removed.length;
  }

  async close(): Promise<void> {
    await this.files?.flush();
  }

  private sweepNow(now: number): string[] {
    const removed: string[] = [];
    for (const [id, c] of this.conversations) {
      if (now - c.lastActiveAt < this.limits.idleTtlMs) break; // the rest were active more recently
      this.remove(id);
      removed.push(id);
    }
    return removed;
  }

  /** Puts a conversation read from disk back (callers go oldest first, so the Map stays in activity order). */
  private restore(saved: SavedConversation): void {
    const log: Entry[] = saved.log.map((e) => ({ seq: e.seq, id: e.id, json: e.json, bytes: Buffer.byteLength(e.json, 'utf8') }));
    const c: Conversation = { ...saved, log, bytes: log.reduce((n, e) => n + e.bytes, 0) };
    this.conversations.set(c.id, c);
    this.totalBytes += c.bytes;
  }

  /** Writes the conversations `ids` as they are now (removing the files of those gone). */
  private async persist(ids: Iterable<string>): Promise<void> {
    const files = this.files;
    if (!files) return;
    await Promise.all([...new Set(ids)].map((id) => files.save(id, () => this.snapshot(id))));
  }

  private snapshot(id: string): SavedConversation | undefined {
    const c = this.conversations.get(id);
    if (!c) return undefined;
    return {
      id: c.id,
      createdAt: c.createdAt,
      lastActiveAt: c.lastActiveAt,
      started: c.started,
      nextSeq: c.nextSeq,
      log: c.log.map(({ seq, id: aid, json }) => ({ seq, id: aid, json })),
    };
  }

  private ring(conversationId: string): void {
    for (const listener of this.watchers.get(conversationId) ?? []) listener();
  }

  /** Looks the conversation up, drops it if idle too long, else marks it active (moving it to the Map's end). */
  private touch(conversationId: string): Conversation | undefined {
    const c = this.conversations.get(conversationId);
    if (!c) return undefined;
    const now = this.now();
    if (now - c.lastActiveAt >= this.limits.idleTtlMs) {
      this.remove(conversationId);
      return undefined;
    }
    this.conversations.delete(conversationId);
    c.lastActiveAt = now;
    this.conversations.set(conversationId, c);
    return c;
  }

  private remove(conversationId: string): boolean {
    const c = this.conversations.get(conversationId);
    if (!c) return false;
    this.totalBytes -= c.bytes;
    this.conversations.delete(conversationId);
    // Its file goes too (callers that must know when await persist themselves; this one joins theirs).
    this.persist([conversationId]).catch(() => undefined);
    return true;
  }

  /** The stored form of an activity with its id (dates become ISO strings); refuses one no conversation could hold. */
  private entry(seq: number, id: string, activity: Record<string, unknown>): Entry {
    const json = JSON.stringify({ ...activity, id });
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > this.limits.maxBytesPerConversation) throw new ActivityTooLargeError(bytes, this.limits.maxBytesPerConversation);
    return { seq, id, json, bytes };
  }

  /** Appends within the budgets; returns the ids of the conversations it changed. */
  private push(c: Conversation, entry: Entry): Set<string> {
    const changed = new Set([c.id]);
    // The conversation's own budget first: its oldest go.
    while (c.log.length > 0 && (c.log.length >= this.limits.maxActivitiesPerConversation || c.bytes + entry.bytes > this.limits.maxBytesPerConversation))
      this.dropOldest(c);
    // Then the total: the largest logs give up their oldest, so small conversations keep their history.
    while (this.totalBytes + entry.bytes > this.limits.maxTotalBytes) {
      const largest = this.largest();
      if (!largest) break;
      this.dropOldest(largest);
      changed.add(largest.id);
    }
    c.log.push(entry);
    c.bytes += entry.bytes;
    this.totalBytes += entry.bytes;
    return changed;
  }

  private dropOldest(c: Conversation): void {
    const dropped = c.log.shift();
    if (dropped) this.forget(c, dropped.bytes);
  }

  private forget(c: Conversation, bytes: number): void {
    c.bytes -= bytes;
    this.totalBytes -= bytes;
  }

  /** The conversation whose log holds the most bytes (a scan: it runs only while the total is over budget). */
  private largest(): Conversation | undefined {
    let best: Conversation | undefined;
    for (const c of this.conversations.values()) if (c.bytes > (best?.bytes ?? 0)) best = c;
    return best;
  }
}

export type StoreLimits = { -readonly [K in keyof typeof DEFAULT_STORE_LIMITS]: number };

/** The options' budgets with the defaults filled in; nonsense stops start-up (every driver keeps the same ones). */
export function storeLimits(options: MemoryConversationStoreOptions): StoreLimits {
  const limits = {
    maxConversations: positive(options.maxConversations ?? DEFAULT_STORE_LIMITS.maxConversations, 'maxConversations'),
    maxActivitiesPerConversation: positive(
      options.maxActivitiesPerConversation ?? DEFAULT_STORE_LIMITS.maxActivitiesPerConversation,
      'maxActivitiesPerConversation',
    ),
    maxBytesPerConversation: positive(options.maxBytesPerConversation ?? DEFAULT_STORE_LIMITS.maxBytesPerConversation, 'maxBytesPerConversation'),
    maxTotalBytes: positive(options.maxTotalBytes ?? DEFAULT_STORE_LIMITS.maxTotalBytes, 'maxTotalBytes'),
    idleTtlMs: positive(options.idleTtlMs ?? DEFAULT_STORE_LIMITS.idleTtlMs, 'idleTtlMs'),
  };
  if (limits.maxBytesPerConversation > limits.maxTotalBytes) {
    throw new ConfigError(`maxBytesPerConversation (${limits.maxBytesPerConversation}) must not exceed maxTotalBytes (${limits.maxTotalBytes})`, {
      maxBytesPerConversation: limits.maxBytesPerConversation,
      maxTotalBytes: limits.maxTotalBytes,
    });
  }
  return limits;
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

function positive(n: number, name: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number, got ${n}`, { [name]: n });
  return n;
}
