import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFileCorruptError } from '../../bot/errors/dataFileCorruptError.js';
import { LearnedExamples } from '../../bot/feedback/learnedExamples.js';
import { ReviewLog, type NewReviewEvent } from '../../bot/feedback/reviewLog.js';
import { ReviewReport } from '../../bot/feedback/reviewReport.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'review-log-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const DAY = 86_400_000;
const gap = (question: string, conversationId = 'c1'): NewReviewEvent => ({ kind: 'gap', reason: 'none', question, channel: 'directline', conversationId, lang: 'zh-CN' });

describe('ReviewLog', () => {
  it('loses nothing when 50 conversations write at once, and stores it durably for a fresh reader', async () => {
    const log = new ReviewLog({ dir, retentionMs: 30 * DAY });
    await Promise.all(
      Array.from({ length: 50 }, (_, c) => Promise.all(Array.from({ length: 20 }, (_, i) => log.append(gap(`问题 ${c}-${i}`, `conv-${c}`))))),
    );
    const fresh = new ReviewLog({ dir, retentionMs: 30 * DAY });
    const events = await fresh.events(1);
    expect(events).toHaveLength(1000);
    expect(new Set(events.map((e) => e.question)).size).toBe(1000);
    expect(new Set(events.map((e) => e.conversation)).size).toBe(50);
    // Conversation ids are hashed, not stored.
    expect(JSON.stringify(events)).not.toContain('conv-');
  });

  it('keeps one file per day and deletes days older than the retention period', async () => {
    let now = Date.parse('2026-01-01T12:00:00Z');
    const log = new ReviewLog({ dir, retentionMs: 3 * DAY, now: () => now });
    for (let d = 0; d < 6; d++) {
      await log.append(gap(`day ${d}`));
      now += DAY;
    }
    expect((await readdir(dir)).filter((f) => f.endsWith('.json')).sort()).toHaveLength(6);
    now = Date.parse('2026-01-06T12:00:00Z');
    expect(await log.sweep()).toEqual(['2026-01-01', '2026-01-02']);
    expect((await readdir(dir)).sort()).toEqual(['2026-01-03.json', '2026-01-04.json', '2026-01-05.json', '2026-01-06.json']);
    expect((await log.events(10)).map((e) => e.question)).toEqual(['day 2', 'day 3', 'day 4', 'day 5']);
  });

  it('never resets a hand-broken file: a clear error naming it, a byte-for-byte backup, the file left as it was', async () => {
    const log = new ReviewLog({ dir, retentionMs: 30 * DAY });
    const stored = await log.append(gap('好的问题'));
    const file = path.join(dir, `${stored.at.slice(0, 10)}.json`);
    const broken = (await readFile(file, 'utf8')).replace('"events": [', '"events": [,');
    await writeFile(file, broken);

    const fresh = new ReviewLog({ dir, retentionMs: 30 * DAY });
    const error = await fresh.check().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileCorruptError);
    expect((error as DataFileCorruptError).message).toContain(file);
    expect(await readFile((error as DataFileCorruptError).backupPath, 'utf8')).toBe(broken);
    await expect(fresh.append(gap('another'))).rejects.toBeInstanceOf(DataFileCorruptError);
    expect(await readFile(file, 'utf8')).toBe(broken);

    await writeFile(file, JSON.stringify({ version: 1, day: 'x', events: [{ id: 1 }] }));
    await expect(new ReviewLog({ dir, retentionMs: 30 * DAY }).check()).rejects.toThrow(/not in the expected format: events\.0\.id/);
  });

  it('learned examples refuse a broken file the same way', async () => {
    const learned = new LearnedExamples(dir);
    expect(await learned.add(3, '娃娃刚生下来咋办')).toBe(true);
    expect(await learned.add(3, '娃娃刚生下来咋办')).toBe(false);
    expect(await new LearnedExamples(dir).byMatter()).toEqual(new Map([[3, ['娃娃刚生下来咋办']]]));
    await writeFile(learned.path, '{"version":1,"examples":[');
    await expect(new LearnedExamples(dir).byMatter()).rejects.toBeInstanceOf(DataFileCorruptError);
  });
});

describe('ReviewReport', () => {
  const ev = (question: string, extra: Partial<Parameters<ReviewReport['groups']>[0][number]> = {}) => ({
    id: `2026-01-01_${question}`,
    at: '2026-01-01T10:00:00.000Z',
    kind: 'gap' as const,
    reason: 'none' as const,
    channel: 'directline',
    conversation: 'x',
    lang: 'zh-CN',
    question,
    ...extra,
  });

  it('groups equal and similar wordings with counts; resolved items and 有帮助 stay out', () => {
    const groups = new ReviewReport().groups([
      ev('娃娃刚生下来咋办'),
      ev('娃娃刚生下来咋办？'),
      ev('娃娃刚生下来咋办呢'),
      ev('公积金怎么取'),
      ev('公积金怎么取出来', { resolved: { matter: null, at: '' } }),
      ev('看病能报多少', { kind: 'feedback', value: 'down', reason: undefined, matter: 19 }),
      ev('看病能报多少 ', { kind: 'feedback', value: 'up', reason: undefined, matter: 19 }),
    ]);
    expect(groups.map((g) => [g.question, g.count])).toEqual([
      ['娃娃刚生下来咋办', 3],
      ['公积金怎么取', 1],
      ['看病能报多少', 1],
    ]);
    expect(groups[2]).toMatchObject({ reasons: { none: 0, ambiguous: 0, feedback: 1 }, guesses: [{ no: 19, count: 1 }] });
  });

  it('summarises each day, empty days included', () => {
    const rows = new ReviewReport().summary(
      [
        ev('a', { kind: 'question', outcome: 'match', reason: undefined }),
        ev('b', { kind: 'question', outcome: 'none', reason: undefined }),
        ev('b'),
        ev('c', { kind: 'feedback', value: 'up', reason: undefined }),
      ],
      '2025-12-31',
      '2026-01-02',
    );
    expect(rows.map((r) => r.day)).toEqual(['2025-12-31', '2026-01-01', '2026-01-02']);
    expect(rows[1]).toMatchObject({ questions: 2, matches: 1, fallbacks: 1, feedbackUp: 1, feedbackDown: 0, topUnanswered: [{ question: 'b', count: 1 }] });
    expect(rows[0]!.questions).toBe(0);
  });
});
