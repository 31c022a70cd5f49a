import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient, messageKeys } from '../support/liveService.js';
import { STAFF_TOKEN, launchBrowser, openPage, startWebApp, type PageProblems, type WebApp } from './browserHarness.js';

/** The review page (/agent/review) in real Chromium, fed by real conversations. */
let app: WebApp;
let browser: Browser;
let page: Page;
let problems: PageProblems;

const UNANSWERED = '娃娃刚生下来咋办';

beforeAll(async () => {
  [app, browser] = await Promise.all([startWebApp({ RATE_LIMIT_PER_MINUTE: '0' }), launchBrowser()]);
  ({ page, problems } = await openPage(browser, { width: 1280, height: 900 }));
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const search = async (q: string): Promise<any> => (await fetch(`${app.base}/api/search?q=${encodeURIComponent(q)}`)).json();

describe('the review page', () => {
  it('shows the questions test conversations left unanswered, and one marked there matches afterwards', async () => {
    const dl = new DirectLineTestClient(app.base);
    for (const wording of [UNANSWERED, `${UNANSWERED}？`, '火星上的医保怎么办']) {
      expect(messageKeys(await dl.say(await dl.open(), wording))).toContain('notFound');
    }
    expect((await search(UNANSWERED)).outcome).toBe('none');

    await page.goto(`${app.base}/agent/review`);
    expect(new URL(page.url()).pathname).toBe('/agent/signin');
    await page.fill('#token', STAFF_TOKEN);
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 10_000 }).toBe('/agent/review');

    const group = page.locator('.group', { hasText: UNANSWERED });
    await expect.poll(() => group.count(), { timeout: 10_000 }).toBe(1);
    const strings = (await (await fetch(`${app.base}/locales/zh-CN/review.json`)).json()) as { review: Record<string, string> };
    expect(await group.locator('.count').textContent()).toBe(strings.review.count!.replace('{{count}}', '2'));
    expect(await page.locator('.group').count()).toBe(2);
    // Today's bar and row count the three questions.
    expect(await page.locator('#chart svg rect.bar-none').count()).toBeGreaterThan(0);
    expect(await page.locator('#summary-table tbody tr').first().locator('td').nth(1).textContent()).toBe('3');

    await group.locator('select').selectOption('3');
    await group.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('.group', { hasText: UNANSWERED }).count(), { timeout: 10_000 }).toBe(0);
    expect((await search(UNANSWERED)).outcome).toBe('none');
    await page.click('#reload');
    await expect.poll(() => page.locator('#toast').textContent(), { timeout: 15_000 }).toBe(strings.review.reloaded!.replace('{{n}}', '1'));
    const after = await search(UNANSWERED);
    expect(after.outcome).toBe('match');
    expect(after.matches[0].no).toBe(3);
    expect(problems).toEqual({ csp: [], errors: [] });
  });
});
