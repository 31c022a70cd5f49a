import type { ReviewEvent } from './reviewDayFile.js';

export interface ReviewGroup {
  /** stable handle of the group (its first wording, normalised): what resolve's "group" names */
  key: string;
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
  /** the newest items of the group (at most MAX_IDS): what "should match matter N" resolves by id */
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
/** A bigram shared by more groups than this stops indexing new ones, which bounds the cost of adding an item. */
export const POSTING_LIMIT = 32;
/** ids listed per group on a page; a bigger group is resolved by its key */
export const MAX_IDS = 200;

interface Item {
  id: string;
  day: string;
  at: string;
  kind: 'gap' | 'feedback';
  reason: ReviewEvent['reason'];
  channel: string;
  question: string;
  guess: number | undefined;
  group: number;
  open: boolean;
}

interface Group {
  key: string;
  grams: number;
  items: Item[];
}

/** A day's counts as the summary shows them, with the day's gaps per group to rank its top unanswered. */
type DayCounts = Omit<DaySummary, 'day' | 'topUnanswered'> & {
  /** gaps of the day per group */
  gaps: Map<number, number>;
};

/**
 * The review queue's groups and the daily counts, kept up to date one event at a time, so a page
 * costs a pass over the open items, never the pairwise comparison of all of them.
 *
 * Grouping: equal after normalisation (case, width, punctuation and spaces dropped), or a
 * character-bigram Jaccard of at least SIMILARITY_THRESHOLD with the group's first wording, the
 * oldest such group winning. Candidates come from an inverted index of bigrams; a bigram already in
 * POSTING_LIMIT groups no longer leads to newer ones (such a common bigram says little), so adding an
 * item costs at most (its bigrams × POSTING_LIMIT) steps. Runs in the review worker, off the event loop.
 */
export class ReviewIndex {
  readonly #items = new Map<string, Item>();
  /** every id added, so an event read from its file and announced by the log counts once */
  readonly #seen = new Map<string, string>();
  readonly #groups: Group[] = [];
  readonly #byKey = new Map<string, number>();
  readonly #postings = new Map<string, number[]>();
  readonly #days = new Map<string, DayCounts>();
  #shared = new Int32Array(64);
  #version = 0;
  #cache: { version: number; from: string; rows: Array<{ group: number; count: number; lastAt: string }> } | undefined;
  /** each day's top unanswered, until the next change: a page load asks for the summary every time */
  #tops = new Map<string, { version: number; top: DaySummary['topUnanswered'] }>();

  constructor(private readonly normalize: (text: string) => string = (t) => t.normalize('NFKC')) {}

  get size(): number {
    return this.#items.size;
  }

  add(e: ReviewEvent): void {
    if (this.#seen.has(e.id)) return;
    const day = e.at.slice(0, 10);
    this.#seen.set(e.id, day);
    const counts = this.#day(day);
    if (e.kind === 'question') {
      counts.questions++;
      if (e.outcome === 'match') counts.matches++;
      else if (e.outcome === 'ambiguous') counts.ambiguous++;
      else counts.fallbacks++;
      return;
    }
    if (e.kind === 'feedback') {
      if (e.value === 'up') {
        counts.feedbackUp++;
        return;
      }
      counts.feedbackDown++;
    }
    const group = this.#groupFor(e.question);
    const item: Item = {
      id: e.id,
      day,
      at: e.at,
      kind: e.kind,
      reason: e.reason,
      channel: e.channel,
      question: e.question,
      guess: e.matter ?? e.guesses?.[0],
      group,
      open: e.resolved === undefined,
    };
    this.#items.set(e.id, item);
    this.#groups[group]!.items.push(item);
    if (e.kind === 'gap') counts.gaps.set(group, (counts.gaps.get(group) ?? 0) + 1);
    this.#version++;
  }

  resolve(ids: readonly string[]): void {
    for (const id of ids) {
      const item = this.#items.get(id);
      if (item) item.open = false;
    }
    this.#version++;
  }

  /** Forgets the days before `day` (retention). */
  dropBefore(day: string): void {
    for (const [id, item] of this.#items) if (item.day < day) this.#items.delete(id);
    for (const [id, d] of this.#seen) if (d < day) this.#seen.delete(id);
    for (const g of this.#groups) g.items = g.items.filter((i) => i.day >= day);
    for (const d of this.#days.keys()) if (d < day) this.#days.delete(d);
    this.#tops.clear();
    this.#version++;
  }

  /** Open items from `from` (a UTC day) on, grouped, biggest first: one page and the total number of groups. */
  groups(from: string, offset: number, limit: number): { total: number; groups: ReviewGroup[] } {
    const rows = this.#rows(from);
    return { total: rows.length, groups: rows.slice(offset, offset + limit).map((r) => this.#describe(r.group, from)) };
  }

  /** The open items of a group from `from` on. */
  members(key: string, from: string): Array<{ id: string; question: string }> {
    const g = this.#byKey.get(key);
    if (g === undefined) return [];
    return this.#groups[g]!.items.filter((i) => i.open && i.day >= from).map((i) => ({ id: i.id, question: i.question }));
  }

  /** The review items (gaps and 没帮助) among `ids`. */
  lookup(ids: readonly string[]): Array<{ id: string; question: string }> {
    return ids.flatMap((id) => {
      const i = this.#items.get(id);
      return i ? [{ id, question: i.question }] : [];
    });
  }

  /** One row per day from `from` to `to` (UTC days, inclusive), empty days included so the chart has no gaps. */
  summary(from: string, to: string): DaySummary[] {
    const rows: DaySummary[] = [];
    for (let d = new Date(`${from}T00:00:00Z`); d.toISOString().slice(0, 10) <= to; d = new Date(d.getTime() + 86_400_000)) {
      const day = d.toISOString().slice(0, 10);
      const c = this.#days.get(day);
      rows.push({
        day,
        questions: c?.questions ?? 0,
        matches: c?.matches ?? 0,
        ambiguous: c?.ambiguous ?? 0,
        fallbacks: c?.fallbacks ?? 0,
        feedbackUp: c?.feedbackUp ?? 0,
        feedbackDown: c?.feedbackDown ?? 0,
        topUnanswered: c ? this.#top(day, c) : [],
      });
    }
    return rows;
  }

  #top(day: string, c: DayCounts): DaySummary['topUnanswered'] {
    const cached = this.#tops.get(day);
    if (cached?.version === this.#version) return cached.top;
    const top = [...c.gaps]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, 5)
      .map(([g, count]) => ({ question: commonest(this.#groups[g]!.items.filter((i) => i.day === day && i.kind === 'gap')), count }));
    this.#tops.set(day, { version: this.#version, top });
    return top;
  }

  #rows(from: string): Array<{ group: number; count: number; lastAt: string }> {
    if (this.#cache?.version === this.#version && this.#cache.from === from) return this.#cache.rows;
    const rows: Array<{ group: number; count: number; lastAt: string }> = [];
    this.#groups.forEach((g, group) => {
      let count = 0;
      let lastAt = '';
      for (const i of g.items) {
        if (!i.open || i.day < from) continue;
        count++;
        if (i.at > lastAt) lastAt = i.at;
      }
      if (count > 0) rows.push({ group, count, lastAt });
    });
    rows.sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt) || a.group - b.group);
    this.#cache = { version: this.#version, from, rows };
    return rows;
  }

  #describe(group: number, from: string): ReviewGroup {
    const g = this.#groups[group]!;
    const members = g.items.filter((i) => i.open && i.day >= from);
    const wordings = countBy(members.map((m) => m.question));
    const guesses = countBy(members.flatMap((m) => (m.guess !== undefined ? [m.guess] : [])));
    return {
      key: g.key,
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
      lastAt: members.reduce((last, m) => (m.at > last ? m.at : last), ''),
      ids: members.slice(-MAX_IDS).map((m) => m.id),
    };
  }

  #groupFor(question: string): number {
    const key = this.normalize(question)
      .toLowerCase()
      .replace(/[\s\p{P}\p{S}]+/gu, '');
    const known = this.#byKey.get(key);
    if (known !== undefined) return known;
    const grams = bigrams(key);
    const found = this.#similar(grams);
    if (found !== undefined) {
      this.#byKey.set(key, found);
      return found;
    }
    const group = this.#groups.length;
    this.#groups.push({ key, grams: grams.size, items: [] });
    this.#byKey.set(key, group);
    for (const gram of grams) {
      const list = this.#postings.get(gram);
      if (!list) this.#postings.set(gram, [group]);
      else if (list.length < POSTING_LIMIT) list.push(group);
    }
    return group;
  }

  /** The oldest group whose first wording is similar enough, counting shared bigrams through the index. */
  #similar(grams: Set<string>): number | undefined {
    if (grams.size === 0) return undefined;
    if (this.#shared.length < this.#groups.length) this.#shared = new Int32Array(this.#groups.length * 2);
    const touched: number[] = [];
    for (const gram of grams) {
      for (const g of this.#postings.get(gram) ?? []) {
        if (this.#shared[g] === 0) touched.push(g);
        this.#shared[g]!++;
      }
    }
    let best: number | undefined;
    for (const g of touched) {
      const shared = this.#shared[g]!;
      if ((best === undefined || g < best) && shared / (grams.size + this.#groups[g]!.grams - shared) >= SIMILARITY_THRESHOLD) best = g;
      this.#shared[g] = 0;
    }
    return best;
  }

  #day(day: string): DayCounts {
    let c = this.#days.get(day);
    if (!c) {
      c = { questions: 0, matches: 0, ambiguous: 0, fallbacks: 0, feedbackUp: 0, feedbackDown: 0, gaps: new Map() };
      this.#days.set(day, c);
    }
    return c;
  }
}

function bigrams(text: string): Set<string> {
  const chars = [...text];
  if (chars.length < 2) return new Set(chars);
  const out = new Set<string>();
  for (let i = 0; i < chars.length - 1; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

function commonest(items: readonly Item[]): string {
  return countBy(items.map((i) => i.question))[0]?.[0] ?? '';
}

function countBy<T>(values: readonly T[]): Array<[T, number]> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}
