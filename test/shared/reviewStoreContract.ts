import { describe, expect, it } from 'vitest';
import type { LearnedExampleStore } from '../../bot/feedback/learnedExamples.js';
import type { ReviewChange } from '../../bot/feedback/reviewLog.js';
import type { ReviewStore } from '../../bot/feedback/reviewStore.js';
import { fixtureEach } from './fixtureEach.js';

export interface ReviewFixture {
  /** two instances' review logs and learned examples (the same objects when the driver is one instance's files) */
  a: { log: ReviewStore; learned: LearnedExampleStore };
  b: { log: ReviewStore; learned: LearnedExampleStore };
  close(): Promise<void>;
}

const DAY = 86_400_000;
const gap = (question: string) => ({ kind: 'gap' as const, channel: 'directline', conversationId: 'conv-1', lang: 'zh-CN', question, reason: 'none' as const });

/** What every review queue driver promises; `make(now)` builds the stores on the clock `now`. */
export function reviewStoreContract(name: string, make: (now: () => number) => Promise<ReviewFixture>): void {
  describe(`ReviewStore and LearnedExampleStore contract: ${name}`, () => {
    let clock = Date.now();
    const fixture = fixtureEach(() => make(() => clock));

    it('an item added by one is read, announced and resolved by the other', async () => {
      clock = Date.now();
      const f = await fixture();
      const heard: ReviewChange[] = [];
      const unsubscribe = f.b.log.subscribe((c) => heard.push(c));
      const added = await f.a.log.append(gap('火星上的医保怎么办'));
      expect(added.conversation).not.toContain('conv-1'); // only a hash of it is kept
      expect((await f.b.log.events(1)).map((e) => e.question)).toEqual(['火星上的医保怎么办']);
      await expect.poll(() => heard.map((c) => c.type), { timeout: 5000 }).toEqual(['add']);
      expect(await f.b.log.resolve([added.id, '1999-01-01_unknown'], 3)).toBe(1);
      expect((await f.a.log.events(1))[0]!.resolved?.matter).toBe(3);
      unsubscribe();
      expect(await f.a.log.check()).toBeGreaterThan(0);
    });

    it('a sweep deletes the days older than retention, and only those', async () => {
      const f = await fixture();
      clock = Date.now() - 400 * DAY;
      await f.a.log.append(gap('old'));
      clock = Date.now();
      await f.a.log.append(gap('new'));
      expect(await f.b.log.sweep()).toHaveLength(1);
      expect((await f.a.log.events(1000)).map((e) => e.question)).toEqual(['new']);
    });

    it("a phrase learned on one is in the other's examples once", async () => {
      const f = await fixture();
      expect(await f.a.learned.add(12, '  退休去外地住 ')).toBe(true);
      expect(await f.b.learned.add(12, '退休去外地住')).toBe(false);
      await f.b.learned.add(3, '住院报销');
      expect(await f.a.learned.byMatter()).toEqual(
        new Map([
          [12, ['退休去外地住']],
          [3, ['住院报销']],
        ]),
      );
      expect(await f.b.learned.count()).toBe(2);
    });
  });
}
