import { z } from 'zod';

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

/** An editor's decision, appended as its own line to the day file of the items it names. */
export const Resolution = z.object({ resolve: z.object({ ids: z.array(z.string()), matter: z.number().int().nullable(), at: z.string() }) });
export type Resolution = z.infer<typeof Resolution>;

/** The whole-file format of version 1 (rewritten on every write); still read, never written. */
export const LegacyDayFile = z.object({ version: z.literal(1), day: z.string(), events: z.array(ReviewEvent) });

/** `YYYY-MM-DD.jsonl`: one JSON record a line, appended; `YYYY-MM-DD.json`: the legacy whole-file format. */
export const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.(jsonl|json)$/;

export interface ParsedDay {
  events: ReviewEvent[];
  /** 1-based numbers of complete lines that are not a record */
  badLines: number[];
  /** the last line has no newline and is not a record: a write cut short by a crash */
  tornTail: boolean;
  /** the readable lines only, each ending in a newline: what a broken file is rewritten to once its copy is kept */
  goodText: string;
}

/**
 * Reads the lines of a `.jsonl` day file. A line that is not a record is skipped and reported,
 * never fatal; resolutions apply to the events before them.
 */
export function parseDayLines(text: string, base: readonly ReviewEvent[] = []): ParsedDay {
  const events = [...base];
  const byId = new Map(events.map((e) => [e.id, e] as const));
  const badLines: number[] = [];
  const good: string[] = [];
  let tornTail = false;
  const lines = text.split('\n');
  // The text after the last newline is '' for a whole file, or a torn last write.
  const tail = lines.pop() ?? '';
  const handle = (line: string): boolean => {
    const record = parseRecord(line);
    if (record === undefined) return false;
    if ('resolve' in record) {
      for (const id of record.resolve.ids) {
        const e = byId.get(id);
        if (e) e.resolved = { matter: record.resolve.matter, at: record.resolve.at };
      }
    } else if (!byId.has(record.id)) {
      events.push(record);
      byId.set(record.id, record);
    }
    return true;
  };
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    if (handle(line)) good.push(line);
    else badLines.push(i + 1);
  });
  if (tail.trim() !== '') {
    if (handle(tail)) good.push(tail);
    else tornTail = true;
  }
  return { events, badLines, tornTail, goodText: good.map((l) => `${l}\n`).join('') };
}

/** One line's record, or undefined when it is not one. */
export function parseRecord(line: string): ReviewEvent | Resolution | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const isResolution = typeof value === 'object' && value !== null && 'resolve' in value;
  const parsed = isResolution ? Resolution.safeParse(value) : ReviewEvent.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function recordLine(record: ReviewEvent | Resolution): string {
  return `${JSON.stringify(record)}\n`;
}
