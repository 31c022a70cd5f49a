import type { Redis } from 'ioredis';
import type { RedisBus } from '../redis/redisBus.js';
import { SeenVersions } from '../redis/seenVersions.js';
import { parseDayLines, recordLine, type ReviewEvent } from './reviewDayFile.js';
import { dayOf, idsByDay, storedEvent, type DataFileNotice, type NewReviewEvent, type ReviewChange } from './reviewLog.js';
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
  /** with a bus, how often the change counter is read for changes whose announcement was missed (REDIS_RESYNC_SECONDS); default 60 s */
  resyncMs?: number;
  now?: () => number;
}

/**
 * The review queue shared by every instance (REDIS_URL): the same records as the day files, one
 * Redis list per UTC day (`<prefix>review:day:<day>`, appended with RPUSH, expiring a day after
 * retention) and a set of the days. Each change is announced on the bus, so every instance's
 * review worker keeps the same index and staff on any instance see one queue; a worker that
 * starts later reads the lists. Pub/sub is fire-and-forget, so every change also counts itself
 * (INCR, in the same MULTI as its write) and carries its number: an instance that finds a number
 * it never saw (when its bus reconnects, or still missing one resync period later) tells its
 * listeners to read the whole queue again (`reset`).
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
  #seen: SeenVersions | undefined;
  /** a counter value found ahead of what was seen at the last check; still ahead at the next: a change was missed */
  #suspect = 0;

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
    const bus = options.bus;
    if (!bus) return log;
    log.#seen = new SeenVersions(await log.#version());
    await bus.subscribe(BUS_NAME, (message) => log.#received(message as Announcement));
    bus.onReconnect(() => void log.#check(true));
    const timer = setInterval(() => {
      // the service closed its connection: nothing more to follow
      if (log.#client.status === 'end') clearInterval(timer);
      else void log.#check(false);
    }, options.resyncMs ?? 60_000);
    timer.unref();
    return log;
  }

  async append(event: NewReviewEvent): Promise<ReviewEvent> {
    const stored = storedEvent(event, new Date(this.#now()));
    const version = await this.#push(dayOf(new Date(stored.at)), recordLine(stored));
    await this.#announce({ type: 'add', events: [stored] }, [version]);
    return stored;
  }

  async resolve(ids: readonly string[], matter: number | null): Promise<number> {
    const at = new Date(this.#now()).toISOString();
    const byDay = idsByDay(ids, await this.#days());
    const versions = await Promise.all([...byDay].map(([day, dayIds]) => this.#push(day, recordLine({ resolve: { ids: dayIds, matter, at } }))));
    const written = [...byDay.values()].flat();
    if (written.length > 0) await this.#announce({ type: 'resolve', ids: written, matter, at }, versions);
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
    const done = await this.#client
      .multi()
      .del(...removed.map((d) => this.#dayKey(d)))
      .srem(`${this.#prefix}days`, ...removed)
      .incr(this.#versionKey)
      .exec();
    await this.#announce({ type: 'drop', before: keepFrom }, [versionIn(done)]);
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
  async #announce(change: ReviewChange, versions: number[]): Promise<void> {
    for (const v of versions) this.#seen?.saw(v);
    this.#emit(change);
    await this.#bus?.publish(BUS_NAME, { change, versions } satisfies Announcement);
  }

  #received(message: Announcement): void {
    for (const v of message.versions ?? []) this.#seen?.saw(v);
    if (message.change) this.#emit(message.change);
  }

  /** Tells the listeners to read everything again when a change's number was never seen (see the class comment). */
  async #check(reconnected: boolean): Promise<void> {
    const seen = this.#seen;
    if (!seen) return;
    const version = await this.#version().catch(() => undefined);
    if (version === undefined) return; // Redis away: the next check
    if (version < seen.floor) {
      // The counter went back: Redis lost its data (no appendonly), and the queue with it. Count afresh and read it again.
      this.#seen = new SeenVersions(version);
      this.#suspect = 0;
      this.#emit({ type: 'reset' });
      return;
    }
    if (version === seen.floor) {
      this.#suspect = 0;
      return;
    }
    // An announcement still on its way is seen by the next check; after a reconnect, what was sent meanwhile is lost.
    if (!reconnected && !(this.#suspect > 0 && seen.floor < this.#suspect)) {
      this.#suspect = version;
      return;
    }
    this.#suspect = 0;
    seen.caughtUpTo(version);
    this.#emit({ type: 'reset' });
  }

  async #version(): Promise<number> {
    return Number(await this.#client.get(this.#versionKey)) || 0;
  }

  get #versionKey(): string {
    return `${this.#prefix}version`;
  }

  #emit(change: ReviewChange): void {
    for (const l of this.#listeners) l(change);
  }

  /** Writes one record; returns its change number. */
  async #push(day: string, line: string): Promise<number> {
    const key = this.#dayKey(day);
    // The day's list outlives retention by a day, so Redis forgets it even if no sweep runs.
    const expireAt = Date.parse(`${day}T00:00:00Z`) + this.retentionMs + 2 * DAY_MS;
    return versionIn(await this.#client.multi().rpush(key, line).pexpireat(key, expireAt).sadd(`${this.#prefix}days`, day).incr(this.#versionKey).exec());
  }

  async #days(): Promise<string[]> {
    return (await this.#client.smembers(`${this.#prefix}days`)).sort();
  }

  #dayKey(day: string): string {
    return `${this.#prefix}day:${day}`;
  }
}

/** What the bus carries: the change and its numbers. */
interface Announcement {
  change?: ReviewChange;
  versions?: number[];
}

/** The INCR's answer, the last of a MULTI's. */
function versionIn(results: Array<[Error | null, unknown]> | null): number {
  const last = results?.at(-1);
  if (!last || last[0]) throw last?.[0] ?? new Error('the review write was not applied');
  return Number(last[1]);
}
