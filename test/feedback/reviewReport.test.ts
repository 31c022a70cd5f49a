import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayOf, ReviewLog, type NewReviewEvent } from '../../bot/feedback/reviewLog.js';
import { ReviewReport } from '../../bot/feedback/reviewReport.js';

let dir: string;
let report: ReviewReport | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'review-report-'));
});
afterEach(async () => {
  report?.close();
  await rm(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const gap = (question: string): NewReviewEvent => ({
  kind: 'gap',
  reason: 'none',
  question,
  channel: 'directline',
  conversationId: 'c',
  lang: 'zh-CN',
  guesses: [3],
});

describe('ReviewReport (the worker thread)', () => {
  it("reads what is on disk, then follows appends and resolutions in order, with the understanding's normalisation", async () => {
    const log = new ReviewLog({ dir, retentionMs: 30 * DAY });
    await log.append(gap('醫保卡丟了怎麼辦'));
    report = new ReviewReport(log, { charVariants: {} });
    const today = dayOf(new Date());
    // Traditional and simplified wordings are one group (OpenCC in the worker, as in the understanding).
    await log.append(gap('医保卡丢了怎么办'));
    let page = await report.groups(today, 0, 10);
    expect(page.total).toBe(1);
    expect(page.groups[0]).toMatchObject({ count: 2, guesses: [{ no: 3, count: 2 }] });

    await log.append(gap('火星上怎么看病'));
    page = await report.groups(today, 0, 1);
    expect(page.total).toBe(2);
    const key = page.groups[0]!.key;
    const members = await report.members(key, today);
    expect(members).toHaveLength(2);
    await log.resolve(
      members.map((m) => m.id),
      4,
    );
    page = await report.groups(today, 0, 10);
    expect(page.groups.map((g) => g.question)).toEqual(['火星上怎么看病']);
    expect((await report.summary(today, today))[0]).toMatchObject({ day: today, topUnanswered: [{ count: 2 }, { question: '火星上怎么看病', count: 1 }] });
    expect(await report.lookup([members[0]!.id, 'x'])).toEqual([members[0]]);
  });

  it('a closed report refuses politely instead of hanging', async () => {
    report = new ReviewReport(new ReviewLog({ dir, retentionMs: DAY }), { charVariants: {} });
    report.close();
    await expect(report.groups('2026-01-01', 0, 1)).rejects.toThrow(/unavailable/);
  });
});
