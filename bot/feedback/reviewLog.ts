import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { DurableJsonFile, fsyncDir, isErrno, keepCorruptCopy, readdirIfExists } from '../storage/durableJsonFile.js';
import { DAY_FILE, LegacyDayFile, parseDayLines, parseRecord, recordLine, type ReviewEvent } from './reviewDayFile.js';
import type { DataFileNotice, NewReviewEvent, ReviewChange, ReviewSource, ReviewStore } from './reviewStore.js';
import { sweepTempFiles } from './tempFiles.js';

export { ReviewEvent } from './reviewDayFile.js';
export type { DataFileNotice, NewReviewEvent, ReviewChange } from './reviewStore.js';

export interface ReviewLogOptions {
  /** `<DATA_DIR>/review` */
  dir: string;
  /** events older than this are deleted by `sweep()` */
  retentionMs: number;
  now?: () => number;
  logger?: Pick<Logger, 'warn' | 'error'>;
  /** temp files older than this are removed by `check()` and `sweep()` (ms); default 10 min */
  staleTempMs?: number;
}

interface Pending {
  line: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** The size of the end of a day file read to find a torn last line. */
const TAIL_BYTES = 64 * 1024;

/**
 * The review queue and feedback: one append-only file per UTC day under DATA_DIR/review, one JSON
 * record a line, so a write costs one small append and fsync however big the day is, and retention
 * deletes whole files. Appends are group-committed (records arriving during a write share the next
 * fsync) and each resolves only once it is on disk (the bot's reply waits for it). A crash can leave
 * only a torn last line, which is skipped and cut off before the next append.
 */
export class ReviewLog implements ReviewStore {
  readonly dir: string;
  readonly retentionMs: number;
  readonly #now: () => number;
  readonly #logger: ReviewLogOptions['logger'];
  readonly #staleTempMs: number;
  readonly #pending = new Map<string, Pending[]>();
  readonly #flushing = new Map<string, Promise<void>>();
  /** day files whose end has been checked by this process (so appends start on a fresh line) */
  readonly #ready = new Set<string>();
  readonly #listeners = new Set<(change: ReviewChange) => void>();
  readonly #notices: DataFileNotice[] = [];
  /** events found by the last `check()` */
  #checked = 0;

  constructor({ dir, retentionMs, now = Date.now, logger, staleTempMs = 10 * 60_000 }: ReviewLogOptions) {
    this.dir = path.resolve(dir);
    this.retentionMs = retentionMs;
    this.#now = now;
    this.#logger = logger;
    this.#staleTempMs = staleTempMs;
  }

  get source(): ReviewSource {
    return { kind: 'files', dir: this.dir };
  }

  async append(event: NewReviewEvent): Promise<ReviewEvent> {
    const stored = storedEvent(event, new Date(this.#now()));
    const day = stored.at.slice(0, 10);
    await this.#write(day, recordLine(stored));
    this.#emit({ type: 'add', events: [stored] });
    return stored;
  }

  /** Marks events (by id) as resolved by an editor; returns how many ids named a day that has a file. */
  async resolve(ids: readonly string[], matter: number | null): Promise<number> {
    const at = new Date(this.#now()).toISOString();
    const byDay = idsByDay(ids, await this.#dayNames());
    await Promise.all([...byDay].map(([day, dayIds]) => this.#write(day, recordLine({ resolve: { ids: dayIds, matter, at } }))));
    const written = [...byDay.values()].flat();
    if (written.length > 0) this.#emit({ type: 'resolve', ids: written, matter, at });
    return written.length;
  }

  /** Every event of the last `days` days (today included), oldest first; unreadable lines skipped. */
  async events(days: number): Promise<ReviewEvent[]> {
    const from = dayOf(new Date(this.#now() - (days - 1) * 86_400_000));
    const out: ReviewEvent[] = [];
    for (const day of await this.#dayNames()) {
      // No push(...events): a day of 100,000 events is more arguments than a call can take.
      if (day >= from) for (const e of (await this.#readDay(day)).events) out.push(e);
    }
    return out;
  }

  /** Deletes the day files older than the retention period and stale temp files; returns the days removed. */
  async sweep(): Promise<string[]> {
    const keepFrom = dayOf(new Date(this.#now() - this.retentionMs));
    const removed: string[] = [];
    for (const day of await this.#dayNames()) {
      if (day < keepFrom) {
        await rm(this.#file(day), { force: true });
        await rm(this.#legacyFile(day), { force: true });
        this.#ready.delete(day);
        removed.push(day);
      }
    }
    if (removed.length > 0) {
      await fsyncDir(this.dir);
      this.#emit({ type: 'drop', before: keepFrom });
    }
    await this.sweepTempFiles();
    return removed;
  }

  /** Removes temp files a killed writer left in the folder; returns how many. */
  async sweepTempFiles(): Promise<number> {
    return sweepTempFiles(this.dir, this.#staleTempMs);
  }

  /**
   * Start-up: reads every day file. A broken one does not stop the service: a byte-for-byte copy is
   * kept as `<file>.corrupt-<time>`, the readable records stay, the rest is set aside (logged, and
   * listed by `notices()` for the review page). A torn last line from a crash is cut off quietly.
   * Returns the number of events.
   */
  async check(): Promise<number> {
    await this.sweepTempFiles();
    let n = 0;
    for (const day of await this.#dayNames()) n += (await this.#readDay(day, true)).events.length;
    this.#checked = n;
    return n;
  }

  /** How many events `check()` found (0 before it ran). */
  get checkedEvents(): number {
    return this.#checked;
  }

  /** Files set aside by `check()` since this log was made. */
  notices(): readonly DataFileNotice[] {
    return this.#notices;
  }

  /** Calls `listener` after every change is on disk; returns the unsubscribe function. */
  subscribe(listener: (change: ReviewChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(change: ReviewChange): void {
    for (const l of this.#listeners) l(change);
  }

  /** One day's events: the legacy whole file, if any, then the lines file. With `repair`, broken files are set aside. */
  async #readDay(day: string, repair = false): Promise<{ events: ReviewEvent[] }> {
    let base: ReviewEvent[] = [];
    const legacy = this.#legacyFile(day);
    const legacyText = await readIfExists(legacy);
    if (legacyText !== undefined) {
      const parsed = (() => {
        try {
          return LegacyDayFile.safeParse(JSON.parse(legacyText));
        } catch {
          return undefined;
        }
      })();
      if (parsed?.success) base = parsed.data.events;
      else if (repair) {
        const backup = await keepCorruptCopy(legacy);
        await rm(legacy, { force: true });
        await fsyncDir(this.dir);
        this.#setAside({ file: legacy, backup, kept: 0, dropped: 1, at: new Date().toISOString() });
      }
    }
    const file = this.#file(day);
    const text = await readIfExists(file);
    if (text === undefined) return { events: base };
    const parsed = parseDayLines(text, base);
    if (repair && parsed.badLines.length > 0) {
      const backup = await keepCorruptCopy(file);
      await new DurableJsonFile<string>(file, String, (t) => t).write(parsed.goodText);
      this.#ready.add(day);
      this.#setAside({
        file,
        backup,
        kept: parsed.events.length - base.length,
        dropped: parsed.badLines.length + (parsed.tornTail ? 1 : 0),
        at: new Date().toISOString(),
      });
    } else if (repair && parsed.tornTail) {
      this.#logger?.warn({ file }, 'review file ended in a torn line (a write cut short by a crash): cut off');
      await this.#prepare(day);
    }
    return parsed;
  }

  #setAside(notice: DataFileNotice): void {
    this.#notices.push(notice);
    this.#logger?.error(
      notice,
      `review file ${notice.file} was broken: ${notice.dropped} unreadable part(s) set aside, a byte copy kept at ${notice.backup}; serving on`,
    );
  }

  #write(day: string, line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const queue = this.#pending.get(day) ?? [];
      queue.push({ line, resolve, reject });
      this.#pending.set(day, queue);
      if (!this.#flushing.has(day)) {
        this.#flushing.set(
          day,
          this.#flush(day).finally(() => this.#flushing.delete(day)),
        );
      }
    });
  }

  async #flush(day: string): Promise<void> {
    for (let batch = this.#take(day); batch.length > 0; batch = this.#take(day)) {
      try {
        const created = await this.#prepare(day);
        const handle = await open(this.#file(day), 'a');
        try {
          await handle.write(batch.map((p) => p.line).join(''));
          await handle.datasync();
        } finally {
          await handle.close();
        }
        if (created) await fsyncDir(this.dir);
        for (const p of batch) p.resolve();
      } catch (err) {
        // A write that failed half-way may have left a torn line: look at the end again next time.
        this.#ready.delete(day);
        for (const p of batch) p.reject(err);
      }
    }
  }

  #take(day: string): Pending[] {
    const batch = this.#pending.get(day) ?? [];
    this.#pending.delete(day);
    return batch;
  }

  /** Before the first append of this process to a day: makes sure the file ends on a fresh line. True when the file is new. */
  async #prepare(day: string): Promise<boolean> {
    if (this.#ready.has(day)) return false;
    const file = this.#file(day);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
      await mkdirDurable(this.dir);
      this.#ready.add(day);
      return true;
    }
    if (size > 0) {
      const handle = await open(file, 'r+');
      try {
        const length = Math.min(size, TAIL_BYTES);
        const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
        if (buffer[length - 1] !== 0x0a) {
          const lastNewline = buffer.lastIndexOf(0x0a);
          const tail = buffer.subarray(lastNewline + 1).toString('utf8');
          if (parseRecord(tail) !== undefined) await handle.write('\n', size);
          else if (lastNewline >= 0 || size <= TAIL_BYTES) await handle.truncate(size - length + lastNewline + 1);
          else await handle.write('\n', size);
          await handle.datasync();
        }
      } finally {
        await handle.close();
      }
    }
    this.#ready.add(day);
    return false;
  }

  #file(day: string): string {
    return path.join(this.dir, `${day}.jsonl`);
  }

  #legacyFile(day: string): string {
    return path.join(this.dir, `${day}.json`);
  }

  async #dayNames(): Promise<string[]> {
    const names = await readdirIfExists(this.dir);
    const days = new Set(names.map((n) => DAY_FILE.exec(n)?.[1]).filter((d): d is string => d !== undefined));
    return [...days].sort();
  }
}

/** The record kept of a new event: an id that names its UTC day, the time, and the conversation only as a short hash. */
export function storedEvent(event: NewReviewEvent, at: Date): ReviewEvent {
  const { conversationId, ...rest } = event;
  return {
    ...rest,
    id: `${dayOf(at)}_${randomBytes(6).toString('hex')}`,
    at: at.toISOString(),
    conversation: createHash('sha256').update(conversationId).digest('hex').slice(0, 12),
  };
}

/** The ids (each named by storedEvent after its day) grouped by day, duplicates once, only the days in `known`. */
export function idsByDay(ids: readonly string[], known: readonly string[]): Map<string, string[]> {
  const days = new Set(known);
  const byDay = new Map<string, string[]>();
  for (const id of new Set(ids)) {
    const day = /^(\d{4}-\d{2}-\d{2})_/.exec(id)?.[1];
    if (day && days.has(day)) byDay.set(day, [...(byDay.get(day) ?? []), id]);
  }
  return byDay;
}

/** UTC day, as used in file names and the summary. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** Creates the folder (and its parents) and makes the new entries durable. */
async function mkdirDurable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = dir; ; d = path.dirname(d)) {
    await fsyncDir(path.dirname(d));
    if (d === first || d === path.dirname(d)) break;
  }
}
