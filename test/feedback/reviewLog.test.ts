import { appendFile, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LearnedExamples } from '../../bot/feedback/learnedExamples.js';
import { ReviewIndex } from '../../bot/feedback/reviewIndex.js';
import { ReviewLog, type NewReviewEvent, type ReviewEvent } from '../../bot/feedback/reviewLog.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'review-log-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const DAY = 86_400_000;
const gap = (question: string, conversationId = 'c1'): NewReviewEvent => ({
  kind: 'gap',
  reason: 'none',
  question,
  channel: 'directline',
  conversationId,
  lang: 'zh-CN',
});

describe('ReviewLog', () => {
  it('loses nothing when 50 conversations write at once, and stores it durably for a fresh reader', async () => {
    const log = new ReviewLog({ dir, retentionMs: 30 * DAY });
    await Promise.all(Array.from({ length: 50 }, (_, c) => Promise.all(Array.from({ length: 20 }, (_, i) => log.append(gap(`问题 ${c}-${i}`, `conv-${c}`))))));
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
    expect((await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort()).toHaveLength(6);
    now = Date.parse('2026-01-06T12:00:00Z');
    expect(await log.sweep()).toEqual(['2026-01-01', '2026-01-02']);
    expect((await readdir(dir)).sort()).toEqual(['2026-01-03.jsonl', '2026-01-04.jsonl', '2026-01-05.jsonl', '2026-01-06.jsonl']);
    expect((await log.events(10)).map((e) => e.question)).toEqual(['day 2', 'day 3', 'day 4', 'day 5']);
  });

  it('appends one line per record and never rewrites what is on disk; resolutions are lines too', async () => {
    const log = new ReviewLog({ dir, retentionMs: 30 * DAY });
    const first = await log.append(gap('第一个问题'));
    const file = path.join(dir, `${first.at.slice(0, 10)}.jsonl`);
    let before = await readFile(file, 'utf8');
    for (let i = 0; i < 20; i++) {
      await log.append(gap(`问题 ${i}`));
      const after = await readFile(file, 'utf8');
      expect(after.startsWith(before)).toBe(true);
      expect(after.slice(before.length).split('\n')).toHaveLength(2);
      before = after;
    }
    expect(await log.resolve([first.id, '2020-01-01_gone'], 3)).toBe(1);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(22);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ resolve: { ids: [first.id], matter: 3 } });
    const events = await new ReviewLog({ dir, retentionMs: 30 * DAY }).events(1);
    expect(events.find((e) => e.id === first.id)?.resolved?.matter).toBe(3);
    expect(events.filter((e) => e.resolved)).toHaveLength(1);
  });

  it('skips a torn last line left by a crash and cuts it off before the next append, with no alarm', async () => {
    const log = new ReviewLog({ dir, retentionMs: 30 * DAY });
    const kept = await log.append(gap('写完的问题'));
    const file = path.join(dir, `${kept.at.slice(0, 10)}.jsonl`);
    const whole = await readFile(file, 'utf8');
    await appendFile(file, '{"id":"2026-01-01_torn","at":"2026-01-0');

    const fresh = new ReviewLog({ dir, retentionMs: 30 * DAY });
    expect((await fresh.events(1)).map((e) => e.question)).toEqual(['写完的问题']);
    expect(await fresh.check()).toBe(1);
    expect(fresh.notices()).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe(whole);
    await fresh.append(gap('之后的问题'));
    expect((await new ReviewLog({ dir, retentionMs: 30 * DAY }).events(1)).map((e) => e.question)).toEqual(['写完的问题', '之后的问题']);
    // No copy for a torn write: nothing acknowledged was lost.
    expect((await readdir(dir)).filter((f) => f.includes('.corrupt-'))).toEqual([]);
  });

  it('a torn last line is cut off by the first append even without a start-up check', async () => {
    const log = new ReviewLog({ dir, retentionMs: 30 * DAY });
    const kept = await log.append(gap('甲'));
    const file = path.join(dir, `${kept.at.slice(0, 10)}.jsonl`);
    await appendFile(file, '{"id":"x","at":');
    const fresh = new ReviewLog({ dir, retentionMs: 30 * DAY });
    await fresh.append(gap('乙'));
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).question)).toEqual(['甲', '乙']);
  });

  it('sets a broken day file aside at start-up: byte copy, readable records kept, a notice, and it serves on', async () => {
    const log = new ReviewLog({ dir, retentionMs: 30 * DAY });
    const a = await log.append(gap('好的问题'));
    await log.append(gap('另一个好问题'));
    const file = path.join(dir, `${a.at.slice(0, 10)}.jsonl`);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const broken = [lines[0], '{"id": 1, "oops"', lines[1], ''].join('\n');
    await writeFile(file, broken);

    const errors: unknown[] = [];
    const fresh = new ReviewLog({ dir, retentionMs: 30 * DAY, logger: { warn: () => {}, error: (o: unknown) => errors.push(o) } });
    expect(await fresh.check()).toBe(2);
    expect(fresh.notices()).toHaveLength(1);
    const notice = fresh.notices()[0]!;
    expect(notice).toMatchObject({ file, kept: 2, dropped: 1 });
    expect(await readFile(notice.backup, 'utf8')).toBe(broken);
    expect(errors).toHaveLength(1);
    await fresh.append(gap('第三个'));
    expect((await new ReviewLog({ dir, retentionMs: 30 * DAY }).events(1)).map((e) => e.question)).toEqual(['好的问题', '另一个好问题', '第三个']);
  });

  it('reads the old whole-file day format, and sets a broken one aside', async () => {
    const at = new Date().toISOString();
    const day = at.slice(0, 10);
    const old = {
      version: 1,
      day,
      events: [{ id: `${day}_old1`, at, kind: 'gap', reason: 'none', channel: 'wechat', conversation: 'abc', lang: 'zh-CN', question: '旧格式的问题' }],
    };
    await writeFile(path.join(dir, `${day}.json`), JSON.stringify(old, null, 2));
    const log = new ReviewLog({ dir, retentionMs: 30 * DAY });
    expect(await log.check()).toBe(1);
    await log.append(gap('新格式的问题'));
    await log.resolve([`${day}_old1`], null);
    const events = await new ReviewLog({ dir, retentionMs: 30 * DAY }).events(1);
    expect(events.map((e) => [e.question, e.resolved?.matter])).toEqual([
      ['旧格式的问题', null],
      ['新格式的问题', undefined],
    ]);

    const truncated = JSON.stringify(old).slice(0, 40);
    await writeFile(path.join(dir, `${day}.json`), truncated);
    const fresh = new ReviewLog({ dir, retentionMs: 30 * DAY });
    expect(await fresh.check()).toBe(1);
    expect(await readFile(fresh.notices()[0]!.backup, 'utf8')).toBe(truncated);
  });

  it('sweeps temp files a crash left in review/: at start-up those of dead processes, on the timer the stale ones', async () => {
    const log = new ReviewLog({ dir, retentionMs: 30 * DAY, staleTempMs: 60_000 });
    await log.append(gap('问题'));
    const dead = path.join(dir, '.2026-01-01.json.999999999.0123456789ab.tmp');
    const mineFresh = path.join(dir, `.2026-01-01.json.${process.pid}.aaaaaaaaaaaa.tmp`);
    const mineOld = path.join(dir, `.2026-01-01.json.${process.pid}.bbbbbbbbbbbb.tmp`);
    for (const f of [dead, mineFresh, mineOld]) await writeFile(f, '{"half":');
    const old = new Date(Date.now() - 120_000);
    await utimes(mineOld, old, old);

    await log.check();
    const left = await readdir(dir);
    expect(left).not.toContain(path.basename(dead));
    expect(left).not.toContain(path.basename(mineOld));
    // A young temp file of a live process may be a write in progress.
    expect(left).toContain(path.basename(mineFresh));
    await utimes(mineFresh, old, old);
    await log.sweep();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('learned examples: a broken file is set aside (byte copy, notice) and the service starts without them', async () => {
    const learned = new LearnedExamples(dir);
    expect(await learned.add(3, '娃娃刚生下来咋办')).toBe(true);
    expect(await learned.add(3, '娃娃刚生下来咋办')).toBe(false);
    expect(await new LearnedExamples(dir).byMatter()).toEqual(new Map([[3, ['娃娃刚生下来咋办']]]));
    await writeFile(learned.path, '{"version":1,"examples":[');
    const errors: unknown[] = [];
    const fresh = new LearnedExamples(dir, Date.now, { error: (o: unknown) => errors.push(o) } as never);
    expect(await fresh.byMatter()).toEqual(new Map());
    expect(fresh.notices()).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(await readFile(fresh.notices()[0]!.backup, 'utf8')).toBe('{"version":1,"examples":[');
    expect(await fresh.add(5, '新的例句')).toBe(true);
    expect(await new LearnedExamples(dir).byMatter()).toEqual(new Map([[5, ['新的例句']]]));
    // A temp file a killed writer left beside it goes at the next start-up.
    const temp = path.join(path.dirname(learned.path), '.examples.json.999999999.0123456789ab.tmp');
    await writeFile(temp, '{"half":');
    await new LearnedExamples(dir).byMatter();
    expect(await readdir(path.dirname(learned.path))).not.toContain(path.basename(temp));
  });
});

describe('ReviewIndex', () => {
  const ev = (question: string, extra: Partial<ReviewEvent> = {}): ReviewEvent => ({
    id: `2026-01-01_${extra.kind ?? 'gap'}_${extra.value ?? ''}_${question}`,
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
    const index = new ReviewIndex();
    for (const e of [
      ev('娃娃刚生下来咋办'),
      ev('娃娃刚生下来咋办？'),
      ev('娃娃刚生下来咋办呢'),
      ev('公积金怎么取'),
      ev('公积金怎么取出来', { resolved: { matter: null, at: '' } }),
      ev('看病能报多少', { kind: 'feedback', value: 'down', reason: undefined, matter: 19 }),
      ev('看病能报多少 ', { kind: 'feedback', value: 'up', reason: undefined, matter: 19 }),
    ])
      index.add(e);
    const { groups, total } = index.groups('2026-01-01', 0, 10);
    expect(total).toBe(3);
    expect(groups.map((g) => [g.question, g.count])).toEqual([
      ['娃娃刚生下来咋办', 3],
      ['公积金怎么取', 1],
      ['看病能报多少', 1],
    ]);
    expect(groups[2]).toMatchObject({ reasons: { none: 0, ambiguous: 0, feedback: 1 }, guesses: [{ no: 19, count: 1 }] });
  });

  it('summarises each day, empty days included', () => {
    const index = new ReviewIndex();
    for (const e of [
      ev('a', { kind: 'question', outcome: 'match', reason: undefined }),
      ev('b', { kind: 'question', outcome: 'none', reason: undefined }),
      ev('b'),
      ev('c', { kind: 'feedback', value: 'up', reason: undefined }),
    ])
      index.add(e);
    // The same event announced twice (read from its file and by the log) counts once.
    index.add(ev('b'));
    const rows = index.summary('2025-12-31', '2026-01-02');
    expect(rows.map((r) => r.day)).toEqual(['2025-12-31', '2026-01-01', '2026-01-02']);
    expect(rows[1]).toMatchObject({ questions: 2, matches: 1, fallbacks: 1, feedbackUp: 1, feedbackDown: 0, topUnanswered: [{ question: 'b', count: 1 }] });
    expect(rows[0]!.questions).toBe(0);
  });

  it('pages the groups, forgets resolved items, and finds a group by its key', () => {
    const index = new ReviewIndex();
    for (let i = 0; i < 25; i++)
      for (let k = 0; k <= i % 3; k++)
        index.add(ev(`问题编号${'甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地人'[i]}${'山水火木'[i % 4]}`, { id: `2026-01-01_${i}_${k}` }));
    const first = index.groups('2026-01-01', 0, 10);
    const second = index.groups('2026-01-01', 10, 10);
    const third = index.groups('2026-01-01', 20, 10);
    const all = [...first.groups, ...second.groups, ...third.groups];
    expect(first.total).toBe(all.length);
    expect(new Set(all.map((g) => g.key)).size).toBe(all.length);
    expect(all.map((g) => g.count)).toEqual([...all.map((g) => g.count)].sort((a, b) => b - a));
    const top = all[0]!;
    expect(
      index
        .members(top.key, '2026-01-01')
        .map((m) => m.id)
        .sort(),
    ).toEqual([...top.ids].sort());
    index.resolve(top.ids);
    expect(index.groups('2026-01-01', 0, 100).groups.map((g) => g.key)).not.toContain(top.key);
    expect(index.lookup([top.ids[0]!, 'nope'])).toEqual([{ id: top.ids[0], question: top.question }]);
    index.dropBefore('2026-01-02');
    expect(index.groups('2026-01-01', 0, 100).total).toBe(0);
  });

  it('still groups a similar wording when a bigram is shared by far more groups than the index follows', () => {
    const index = new ReviewIndex();
    // 500 distinct questions all holding 医保 (a bigram past POSTING_LIMIT) …
    for (let i = 0; i < 500; i++)
      index.add(
        ev(`医保${String.fromCodePoint(0x4e00 + i * 7)}${String.fromCodePoint(0x5e00 + i * 5)}${String.fromCodePoint(0x6e00 + i * 3)}`, {
          id: `2026-01-01_f${i}`,
        }),
      );
    // … then a question and its near-twin, found through their rarer bigrams.
    index.add(ev('医保异地备案怎么办理', { id: '2026-01-01_a' }));
    index.add(ev('医保异地备案怎么办理呢', { id: '2026-01-01_b' }));
    const { groups, total } = index.groups('2026-01-01', 0, 1);
    expect(total).toBe(501);
    expect(groups[0]).toMatchObject({ count: 2, variants: ['医保异地备案怎么办理', '医保异地备案怎么办理呢'] });
  });
});
