import type { Redis } from 'ioredis';
import type { RedisBus } from '../redis/redisBus.js';
import { parseDayLines, recordLine, type ReviewEvent } from './reviewDayFile.js';
import { dayOf, storedEvent, type DataFileNotice, type NewReviewEvent, type ReviewChange } from './reviewLog.js';
import type { ReviewSource, ReviewStore } from './reviewStore.js';

const DAY_MS = 86_400_000;
const BUS_NAME = 'review';

export interface RedisReviewLogOptions {
  client: Redis;
  keyPrefix: string;
  retentionMs: number;
  /** the REDIS_URL, for the review worker's own connection */
  url: string;
  /** tells the other instances of each change, and this one of theirs; absent: a reader only (the worker) */
  bus?: RedisBus;
  now?: () => number;
}

/**
 * The review queue shared by every instance (REDIS_URL): the same records as the day files, one
 * Redis list per UTC day (`<prefix>review:day:<day>`, appended with RPUSH, expiring a day after
 * retention) and a set of the days. Each change is announced on the bus, so every instance's
 * review worker keeps the same index and staff on any instance see one queue; a worker that
 * starts later reads the lists.
 */
export class RedisReviewLog implements ReviewStore {
  readonly retentionMs: number;
  readonly source: ReviewSource;
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #bus: RedisBus | undefined;
  readonly #now: () => number;
  readonly #listeners = new Set<(change: ReviewChange) => void>();
  #checked = 0;

  private constructor(options: RedisReviewLogOptions) {
    this.retentionMs = options.retentionMs;
    this.source = { kind: 'redis', url: options.url, keyPrefix: options.keyPrefix };
    this.#client = options.client;
    this.#prefix = `${options.keyPrefix}review:`;
    this.#bus = options.bus;
    this.#now = options.now ?? Date.now;
  }

  /** Opens the log and, with a bus, listens for the other instances' changes before it returns. */
  static async open(options: RedisReviewLogOptions): Promise<RedisReviewLog> {
    const log = new RedisReviewLog(options);
    await options.bus?.subscribe(BUS_NAME, (change) => log.#emit(change as ReviewChange));
    return log;
  }

  async append(event: NewReviewEvent): Promise<ReviewEvent> {
    const stored = storedEvent(event, new Date(this.#now()));
    await this.#push(dayOf(new Date(stored.at)), recordLine(stored));
    await this.#announce({ type: 'add', events: [stored] });
    return stored;
  }

  async resolve(ids: readonly string[], matter: number | null): Promise<number> {
    const at = new Date(this.#now()).toISOString();
    const known = new Set(await this.#days());
    const byDay = new Map<string, string[]>();
    for (const id of new Set(ids)) {
      const day = /^(\d{4}-\d{2}-\d{2})_/.exec(id)?.[1];
      if (day && known.has(day)) byDay.set(day, [...(byDay.get(day) ?? []), id]);
    }
    await Promise.all([...byDay].map(([day, dayIds]) => this.#push(day, recordLine({ resolve: { ids: dayIds, matter, at } }))));
    const written = [...byDay.values()].flat();
    if (written.length > 0) await this.#announce({ type: 'resolve', ids: written, matter, at });
    return written.length;
  }

  async events(days: number): Promise<ReviewEvent[]> {
    const from = dayOf(new Date(this.#now() - (days - 1) * DAY_MS));
    const out: ReviewEvent[] = [];
    for (const day of await this.#days()) {
      if (day < from) continue;
      const lines = await this.#client.lrange(this.#dayKey(day), 0, -1);
      // No push(...events): a day of 100,000 events is more arguments than a call can take.
      for (const e of parseDayLines(lines.join('')).events) out.push(e);
    }
    return out;
  }

  async sweep(): Promise<string[]> {
    const keepFrom = dayOf(new Date(this.#now() - this.retentionMs));
    const removed = (await this.#days()).filter((d) => d < keepFrom);
    if (removed.length === 0) return removed;
    await this.#client
      .multi()
      .del(...removed.map((d) => this.#dayKey(d)))
      .srem(`${this.#prefix}days`, ...removed)
      .exec();
    await this.#announce({ type: 'drop', before: keepFrom });
    return removed;
  }

  /** Counts the records (events and resolutions); Redis holds no torn lines to repair. */
  async check(): Promise<number> {
    let n = 0;
    for (const day of await this.#days()) n += await this.#client.llen(this.#dayKey(day));
    this.#checked = n;
    return n;
  }

  get checkedEvents(): number {
    return this.#checked;
  }

  notices(): readonly DataFileNotice[] {
    return [];
  }

  subscribe(listener: (change: ReviewChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** This instance's listeners now; the others' through the bus. */
  async #announce(change: ReviewChange): Promise<void> {
    this.#emit(change);
    await this.#bus?.publish(BUS_NAME, change);
  }

  #emit(change: ReviewChange): void {
    for (const l of this.#listeners) l(change);
  }

  async #push(day: string, line: string): Promise<void> {
    const key = this.#dayKey(day);
    // The day's list outlives retention by a day, so Redis forgets it even if no sweep runs.
    const expireAt = Date.parse(`${day}T00:00:00Z`) + this.retentionMs + 2 * DAY_MS;
    await this.#client.multi().rpush(key, line).pexpireat(key, expireAt).sadd(`${this.#prefix}days`, day).exec();
  }

  async #days(): Promise<string[]> {
    return (await this.#client.smembers(`${this.#prefix}days`)).sort();
  }

  #dayKey(day: string): string {
    return `${this.#prefix}day:${day}`;
  }
}
