import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIOSK, PHONE, answerUntilChecklist, launchBrowser, openPage, recordActivities, screenshotAndCheck, startWebApp, tibetanFontLoaded, waitForBot, type WebApp } from './browserHarness.js';

/** The official Web Chat on /, through our own Direct Line, in real Chromium. */
let app: WebApp;
let browser: Browser;

beforeAll(async () => {
  [app, browser] = await Promise.all([startWebApp(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const TIBETAN = /[\u0F00-\u0FFF]/;

describe('the web chat widget', () => {
  it('holds a real conversation to a checklist: suggested actions clickable, Adaptive Card shown, no CSP violation', async () => {
    const { context, page, problems } = await openPage(browser, PHONE);
    try {
      const seen = recordActivities(page);
      await page.goto(`${app.base}/`);
      await waitForBot(seen, 0, (a) => a.channelData?.messageKey === 'welcome', 'the welcome');
      await screenshotAndCheck(page, 'chat-zh-360');

      const mark = seen.length;
      const input = page.locator('[data-id="webchat-sendbox-input"]');
      await input.fill('我退休了要去成都跟儿子住，医保要备案吗');
      await input.press('Enter');
      const checklist = await answerUntilChecklist(page, seen, mark);

      const expected = app.service.knowledge.matter(checklist.channelData!.checklist.no)!;
      expect(checklist.channelData!.checklist.title).toBe(expected.title);
      expect(checklist.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
      const card = page.locator('.ac-adaptiveCard').last();
      await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain(expected.title);
      // Every material of the personal checklist is on the card.
      for (const m of checklist.channelData!.checklist.materials as { text: string }[]) {
        expect(await card.textContent()).toContain(m.text);
      }
      await screenshotAndCheck(page, 'chat-zh-360-checklist');
      expect(problems.csp).toEqual([]);
      expect(problems.errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('switches to Tibetan: UI strings, Web Chat strings and the bot replies, in the served Tibetan font', async () => {
    const { context, page, problems } = await openPage(browser, PHONE);
    try {
      const seen = recordActivities(page);
      await page.goto(`${app.base}/`);
      await waitForBot(seen, 0, (a) => a.channelData?.messageKey === 'welcome', 'the welcome');
      const bo = (await (await fetch(`${app.base}/locales/bo/web.json`)).json()) as { chat: { title: string }; webchat: Record<string, string> };
      const mark = seen.length;
      await page.locator('.lang-switch [data-lang="bo"]').click();
      await expect.poll(() => page.locator('h1').textContent()).toBe(bo.chat.title);
      expect(await page.getAttribute('html', 'lang')).toBe('bo');
      await expect.poll(() => page.locator('[data-id="webchat-sendbox-input"]').getAttribute('placeholder')).toBe(bo.webchat.TEXT_INPUT_PLACEHOLDER);
      const reply = await waitForBot(seen, mark, (a) => TIBETAN.test(a.text ?? ''), 'a Tibetan reply');
      expect(reply.text).toMatch(TIBETAN);
      expect(await tibetanFontLoaded(page)).toBe(true);
      await screenshotAndCheck(page, 'chat-bo-360');
      await page.setViewportSize(KIOSK);
      await screenshotAndCheck(page, 'chat-bo-1080');
      expect(problems.csp).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a kiosk-sized screen in Chinese too', async () => {
    const { context, page } = await openPage(browser, KIOSK);
    try {
      const seen = recordActivities(page);
      await page.goto(`${app.base}/chat`);
      await waitForBot(seen, 0, (a) => a.channelData?.messageKey === 'welcome', 'the welcome');
      await screenshotAndCheck(page, 'chat-zh-1080');
    } finally {
      await context.close();
    }
  });
});
