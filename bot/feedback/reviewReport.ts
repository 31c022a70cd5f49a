import type { ReviewEvent } from './reviewLog.js';

export interface ReviewGroup {
  /** the most frequent wording of the group */
  question: string;
  count: number;
  /** distinct wordings, most frequent first (at most 10) */
  variants: string[];
  reasons: { none: number; ambiguous: number; feedback: number };
  /** the matters the bot guessed or answered, most frequent first */
  guesses: Array<{ no: number; count: number }>;
  channels: string[];
  lastAt: string;
  /** the events in the group: what "should match matter N" resolves */
  ids: string[];
}

export interface DaySummary {
  day: string;
  questions: number;
  matches: number;
  ambiguous: number;
  fallbacks: number;
  feedbackUp: number;
  feedbackDown: number;
  topUnanswered: Array<{ question: string; count: number }>;
}

/** Bigram Jaccard at or above this joins two questions in one group. */
export const SIMILARITY_THRESHOLD = 0.5;

/**
 * What the review page shows: open review items grouped by similar wording, and the daily counts.
 * Grouping: equal after normalisation (case, width, punctuation and spaces dropped), or a
 * character-bigram Jaccard of at least SIMILARITY_THRESHOLD with the group's first wording.
 */
export class ReviewReport {
  constructor(private readonly normalize: (text: string) => string = basicNormalize) {}

  /** Items needing an editor: gaps and 没帮助 not yet resolved, biggest groups first. */
  groups(events: readonly ReviewEvent[]): ReviewGroup[] {
    const items = events.filter((e) => !e.resolved && (e.kind === 'gap' || (e.kind === 'feedback' && e.value === 'down')));
    const groups: Array<{ key: string; grams: Set<string>; members: ReviewEvent[] }> = [];
    const byKey = new Map<string, (typeof groups)[number]>();
    for (const e of items) {
      const key = this.key(e.question);
      let group = byKey.get(key);
      if (!group) {
        const grams = bigrams(key);
        group = groups.find((g) => jaccard(g.grams, grams) >= SIMILARITY_THRESHOLD);
        if (!group) {
          group = { key, grams, members: [] };
          groups.push(group);
        }
        byKey.set(key, group);
      }
      group.members.push(e);
    }
    return groups
      .map(({ members }) => {
        const wordings = countBy(members.map((m) => m.question));
        const guesses = countBy(members.flatMap((m) => (m.matter !== undefined ? [m.matter] : (m.guesses ?? []).slice(0, 1))));
        return {
          question: wordings[0]?.[0] ?? '',
          count: members.length,
          variants: wordings.slice(0, 10).map(([w]) => w),
          reasons: {
            none: members.filter((m) => m.reason === 'none').length,
            ambiguous: members.filter((m) => m.reason === 'ambiguous').length,
            feedback: members.filter((m) => m.kind === 'feedback').length,
          },
          guesses: guesses.map(([no, count]) => ({ no, count })),
          channels: [...new Set(members.map((m) => m.channel))].sort(),
          lastAt: members.map((m) => m.at).sort().at(-1) ?? '',
          ids: members.map((m) => m.id),
        };
      })
      .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt));
  }

  /** One row per day from `from` to `to` (UTC days, inclusive), empty days included so the chart has no gaps. */
  summary(events: readonly ReviewEvent[], from: string, to: string): DaySummary[] {
    const rows = new Map<string, DaySummary>();
    for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d = new Date(d.getTime() + 86_400_000)) {
      const day = d.toISOString().slice(0, 10);
      rows.set(day, { day, questions: 0, matches: 0, ambiguous: 0, fallbacks: 0, feedbackUp: 0, feedbackDown: 0, topUnanswered: [] });
    }
    const gaps = new Map<string, string[]>();
    for (const e of events) {
      const day = e.at.slice(0, 10);
      const row = rows.get(day);
      if (!row) continue;
      if (e.kind === 'question') {
        row.questions++;
        if (e.outcome === 'match') row.matches++;
        else if (e.outcome === 'ambiguous') row.ambiguous++;
        else row.fallbacks++;
      } else if (e.kind === 'feedback') {
        if (e.value === 'up') row.feedbackUp++;
        else row.feedbackDown++;
      } else if (e.kind === 'gap') {
        if (!gaps.has(day)) gaps.set(day, []);
        gaps.get(day)!.push(e.question);
      }
    }
    for (const [day, questions] of gaps) {
      const row = rows.get(day)!;
      row.topUnanswered = this.groups(questions.map((q, i) => ({ id: String(i), at: day, kind: 'gap', channel: '', conversation: '', lang: '', question: q })))
        .slice(0, 5)
        .map((g) => ({ question: g.question, count: g.count }));
    }
    return [...rows.values()];
  }

  private key(text: string): string {
    return this.normalize(text).toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
  }
}

function basicNormalize(text: string): string {
  return text.normalize('NFKC');
}

function bigrams(text: string): Set<string> {
  const chars = [...text];
  if (chars.length < 2) return new Set(chars);
  const out = new Set<string>();
  for (let i = 0; i < chars.length - 1; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return shared / (a.size + b.size - shared);
}

function countBy<T>(values: readonly T[]): Array<[T, number]> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}
