import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { fsyncDir, readdirIfExists } from '../storage/durableJsonFile.js';
import { JsonDocument } from './jsonDocument.js';

const Outcome = z.enum(['match', 'ambiguous', 'none']);

/** One thing that happened in a conversation, as the editors see it. Text is masked before it gets here. */
export const ReviewEvent = z.object({
  id: z.string().min(1),
  /** ISO time */
  at: z.string(),
  /**
   * question: every opening question, for the daily counts;
   * gap: a question the bot could not place (none, or ambiguous and the person did not pick);
   * feedback: 有帮助 / 没帮助 after a checklist (没帮助 goes to the review queue too).
   */
  kind: z.enum(['question', 'gap', 'feedback']),
  channel: z.string(),
  /** a hash of the conversation id: enough to tell conversations apart, not to find them */
  conversation: z.string(),
  lang: z.string(),
  question: z.string(),
  outcome: Outcome.optional(),
  reason: z.enum(['none', 'ambiguous']).optional(),
  value: z.enum(['up', 'down']).optional(),
  /** the matter answered (feedback) */
  matter: z.number().int().optional(),
  /** the matters the bot offered or came closest to, best first */
  guesses: z.array(z.number().int()).optional(),
  /** set by an editor: the matter the question should have matched (null: dismissed) */
  resolved: z.object({ matter: z.number().int().nullable(), at: z.string() }).optional(),
});
export type ReviewEvent = z.infer<typeof ReviewEvent>;
export type NewReviewEvent = Omit<ReviewEvent, 'id' | 'at' | 'conversation'> & { conversationId: string };

const DayFile = z.object({ version: z.literal(1), day: z.string(), events: z.array(ReviewEvent) });
type DayFile = z.infer<typeof DayFile>;

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/;

export interface ReviewLogOptions {
  /** `<DATA_DIR>/review` */
  dir: string;
  /** events older than this are deleted by `sweep()` */
  retentionMs: number;
  now?: () => number;
}

/**
 * The review queue and feedback: one JSON file per UTC day under DATA_DIR/review, so a write
 * rewrites one day's file only and retention deletes whole files. Every append is durable
 * before it resolves (the bot's reply waits for it).
 */
export class ReviewLog {
  readonly dir: string;
  readonly retentionMs: number;
  readonly #now: () => number;
  readonly #days = new Map<string, JsonDocument<DayFile>>();

  constructor({ dir, retentionMs, now = Date.now }: ReviewLogOptions) {
    this.dir = path.resolve(dir);
    this.retentionMs = retentionMs;
    this.#now = now;
  }

  async append(event: NewReviewEvent): Promise<ReviewEvent> {
    const at = new Date(this.#now());
    const day = dayOf(at);
    const { conversationId, ...rest } = event;
    const stored: ReviewEvent = {
      ...rest,
      id: `${day}_${randomBytes(6).toString('hex')}`,
      at: at.toISOString(),
      conversation: createHash('sha256').update(conversationId).digest('hex').slice(0, 12),
    };
    await this.#doc(day).update((d) => {
      d.events.push(stored);
    });
    return stored;
  }

  /** Marks events (by id) as resolved by an editor; returns how many were found. */
  async resolve(ids: readonly string[], matter: number | null): Promise<number> {
    const at = new Date(this.#now()).toISOString();
    const byDay = new Map<string, Set<string>>();
    const known = new Set(await this.#dayNames());
    for (const id of ids) {
      const day = /^(\d{4}-\d{2}-\d{2})_/.exec(id)?.[1];
      if (day && known.has(day)) {
        if (!byDay.has(day)) byDay.set(day, new Set());
        byDay.get(day)!.add(id);
      }
    }
    let found = 0;
    for (const [day, wanted] of byDay) {
      await this.#doc(day).update((d) => {
        for (const e of d.events) {
          if (wanted.has(e.id)) {
            e.resolved = { matter, at };
            found++;
          }
        }
      });
    }
    return found;
  }

  /** Every event of the last `days` days (today included), oldest first. */
  async events(days: number): Promise<ReviewEvent[]> {
    const from = dayOf(new Date(this.#now() - (days - 1) * 86_400_000));
    const out: ReviewEvent[] = [];
    for (const day of await this.#dayNames()) {
      if (day >= from) out.push(...(await this.#doc(day).read()).events);
    }
    return out;
  }

  /** Deletes the day files older than the retention period; returns the days removed. */
  async sweep(): Promise<string[]> {
    const keepFrom = dayOf(new Date(this.#now() - this.retentionMs));
    const removed: string[] = [];
    for (const day of await this.#dayNames()) {
      if (day < keepFrom) {
        await rm(path.join(this.dir, `${day}.json`), { force: true });
        this.#days.delete(day);
        removed.push(day);
      }
    }
    if (removed.length > 0) await fsyncDir(this.dir);
    return removed;
  }

  /** Loads every day file, so a broken one is reported at start-up rather than at the first write. */
  async check(): Promise<number> {
    let n = 0;
    for (const day of await this.#dayNames()) n += (await this.#doc(day).read()).events.length;
    return n;
  }

  #doc(day: string): JsonDocument<DayFile> {
    let doc = this.#days.get(day);
    if (!doc) {
      doc = new JsonDocument(path.join(this.dir, `${day}.json`), DayFile, () => ({ version: 1 as const, day, events: [] }));
      this.#days.set(day, doc);
    }
    return doc;
  }

  async #dayNames(): Promise<string[]> {
    const names = await readdirIfExists(this.dir);
    const days = new Set(names.map((n) => DAY_FILE.exec(n)?.[1]).filter((d): d is string => d !== undefined));
    for (const d of this.#days.keys()) days.add(d);
    return [...days].sort();
  }
}

/** UTC day, as used in file names and the summary. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}
