import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { KIOSK, answerUntilChecklist, openPage, pressSuggestedAction, recordActivities, waitForBot, type SeenActivity, useWebApp } from './browserHarness.js';

/**
 * Issue 14 §1: a kiosk has no keyboard, so a county-handled matter must reach its checklist by taps alone:
 * a category button, the matter, its questions and the place (the hall's county, or prefecture then county).
 * Nothing is typed in these tests; every tap is on a button the page shows.
 */
const web = useWebApp();

type Checklist = { no: number; office: string | null; officeLevel?: string };

/** Taps the matter's questions' first options; at a place question taps `place(titles)`; returns the checklist. */
async function tapToChecklist(page: Page, seen: SeenActivity[], after: number, place: (titles: string[]) => string): Promise<Checklist> {
  const checklist = await answerUntilChecklist(page, seen, after, {
    maxAnswers: 12,
    choose: (question) => {
      const titles = question.suggestedActions!.actions.map((a) => String(a.title));
      const isPlace = ['askCounty', 'whichCounty', 'askPlace'].includes(String(question.channelData?.messageKey)) || titles.some((t) => /市|地区/.test(t));
      return isPlace ? place(titles) : titles[0]!;
    },
  });
  return checklist.channelData!.checklist as Checklist;
}

async function openMatterByTaps(page: Page, query: string, matterNo: number): Promise<{ seen: SeenActivity[]; mark: number }> {
  const seen = recordActivities(page);
  await page.goto(`${web.app.base}/kiosk${query}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  await waitForBot(seen, 0, (a) => a.channelData?.messageKey === 'welcome', 'the welcome');
  const kb = web.app.service.knowledge;
  const matter = kb.matter(matterNo)!;
  let mark = seen.length;
  await page.locator(`#categories button[data-category="${matter.group}"]`).click();
  const group = kb.matters.filter((m) => m.group === matter.group);
  if (group.length > 1) {
    await waitForBot(seen, mark, (a) => a.channelData?.messageKey === 'categoryPick', "the category's matters");
    mark = seen.length;
    await pressSuggestedAction(page, matter.title);
  }
  return { seen, mark };
}

describe('the kiosk by taps alone', () => {
  // 住院费用报销 is handled by the county: the place must be given before the answer can name an office.
  const MATTER = 19;

  it('the hall county (?county=) is offered first and one tap on it reaches the checklist with that county office', async () => {
    const { context, page } = await openPage(web.browser, KIOSK);
    try {
      const { seen, mark } = await openMatterByTaps(page, '?county=江孜县', MATTER);
      let offeredFirst: string | undefined;
      const checklist = await tapToChecklist(page, seen, mark, (titles) => (offeredFirst = titles[0]!));
      expect(offeredFirst).toContain('江孜县');
      expect(checklist.no).toBe(MATTER);
      expect(checklist.office).toBe('江孜县');
      expect(await page.locator('#ask-input').inputValue()).toBe('');
    } finally {
      await context.close();
    }
  }, 240_000);

  it('without a hall county: a prefecture button, then one of its counties, reaches the checklist with that county office', async () => {
    const { context, page } = await openPage(web.browser, KIOSK);
    try {
      const { seen, mark } = await openMatterByTaps(page, '', MATTER);
      const offices = web.app.service.knowledge.offices;
      const prefecture = offices.find((o) => o.name === '山南市')!;
      const picks: string[] = [];
      const checklist = await tapToChecklist(page, seen, mark, (titles) => {
        // First the prefectures, then the chosen one's counties.
        const pick = picks.length === 0 ? titles.find((t) => t.includes(prefecture.name))! : titles.find((t) => t.includes('桑日县'))!;
        expect(pick, `offered: ${titles.join(' / ')}`).toBeDefined();
        picks.push(pick);
        return pick;
      });
      expect(picks).toHaveLength(2);
      expect(checklist.no).toBe(MATTER);
      expect(checklist.office).toBe('桑日县');
    } finally {
      await context.close();
    }
  }, 240_000);
});
