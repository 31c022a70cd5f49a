import type { ReviewEvent } from './reviewDayFile.js';

export type NewReviewEvent = Omit<ReviewEvent, 'id' | 'at' | 'conversation'> & { conversationId: string };

/**
 * What changed, for readers that keep their own index (the review report's worker); `reset`: changes may have been
 * missed (another instance's, announced while this one's bus was cut off), read the whole queue again.
 */
export type ReviewChange =
  | { type: 'add'; events: ReviewEvent[] }
  | { type: 'resolve'; ids: string[]; matter: number | null; at: string }
  | { type: 'drop'; before: string }
  | { type: 'reset' };

/** A data file that was set aside at start-up, for the log and the review page. */
export interface DataFileNotice {
  file: string;
  backup: string;
  /** records kept from it (the rest were unreadable) */
  kept: number;
  dropped: number;
  at: string;
}

/** Where the review worker reads the whole queue from when it starts: the day files, or Redis. */
export type ReviewSource = { kind: 'files'; dir: string } | { kind: 'redis'; url: string; keyPrefix: string };

/**
 * The review queue and feedback records: ReviewLog (day files under DATA_DIR, one instance) or
 * RedisReviewLog (REDIS_URL: one queue for every instance, each told of the others' changes).
 */
export interface ReviewStore {
  readonly retentionMs: number;
  /** what the review worker reads at its start */
  readonly source: ReviewSource;
  append(event: NewReviewEvent): Promise<ReviewEvent>;
  /** marks events (by id) resolved; returns how many ids named a day the queue holds */
  resolve(ids: readonly string[], matter: number | null): Promise<number>;
  /** every event of the last `days` days (today included), oldest first */
  events(days: number): Promise<ReviewEvent[]>;
  /** deletes what is older than the retention period; returns the days removed */
  sweep(): Promise<string[]>;
  /** start-up: reads (and repairs, where it can) everything; returns how many records there are */
  check(): Promise<number>;
  /** what `check()` found; above 0 the review worker starts at once */
  readonly checkedEvents: number;
  /** data set aside at start-up because it was broken */
  notices(): readonly DataFileNotice[];
  /** calls `listener` after every change (this instance's and, shared, the others'); returns the unsubscribe function */
  subscribe(listener: (change: ReviewChange) => void): () => void;
}
