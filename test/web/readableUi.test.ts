import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { KIOSK, PHONE, answerUntilChecklist, openPage, recordActivities, waitForBot, type SeenActivity, useWebApp } from './browserHarness.js';

/**
 * Issue 14 §2–§5 in real Chromium: a page opened in Tibetan starts in Tibetan, every option is
 * readable in full, card type and targets are large enough, and a person is one tap away.
 */
const web = useWebApp();

const TIBETAN = /[\u0F00-\u0FFF]/;
const HAN = /[\u4e00-\u9fff]/;
const DESKTOP = { width: 1366, height: 768 } as const;
const VIEWPORTS = [PHONE, KIOSK, DESKTOP];

/** 住院费用报销 (matter 19) asks a multi-select question with long labels first, in either language. */
const MULTI_QUESTION = { 'zh-CN': '住院费用报销', bo: 'སྨན་ཁང་དུ་ནད་སྡོད་པའི་འགྲོ་སོང་ཕྱིར་སྤྲོད' } as const;

const isWelcomeCategories = (a: SeenActivity): boolean => a.channelData?.messageKey === 'welcomeCategories';

async function openChat(page: Page, query = ''): Promise<SeenActivity[]> {
  const seen = recordActivities(page);
  // Not the load event: that waits for Web Chat's 3.9 MB bundle, slow on a busy machine.
  await page.goto(`${web.app.base}/${query}`, { waitUntil: 'domcontentloaded', timeout: 90_000 });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 90_000 });
  return seen;
}

/** Every option a person reads: checkbox labels and suggested actions, with what would cut them. */
function optionBoxes(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.ac-adaptiveCard label, .ac-adaptiveCard label > div, .webchat__suggested-action, .webchat__suggested-action__text')].map(
      (el) => {
        const style = getComputedStyle(el);
        return {
          text: (el.textContent ?? '').trim(),
          scrollWidth: el.scrollWidth,
          clientWidth: el.clientWidth,
          textOverflow: style.textOverflow,
          whiteSpace: style.whiteSpace,
        };
      },
    ),
  );
}

describe('Tibetan from the first word', () => {
  it('?lang=bo: a Tibetan welcome and Tibetan category buttons', async () => {
    const { context, page, problems } = await openPage(web.browser, PHONE);
    try {
      const seen = await openChat(page, '?lang=bo');
      const welcome = await waitForBot(seen, 0, isWelcomeCategories, 'the welcome with its categories');
      expect(welcome.text).toMatch(TIBETAN);
      const titles = welcome.suggestedActions!.actions.map((a) => a.title);
      expect(titles.length).toBeGreaterThan(0);
      for (const title of titles) expect(title, title).not.toMatch(HAN);
      // the page itself was Tibetan before any script ran (server-side strings)
      const html = await (await fetch(`${web.app.base}/chat?lang=bo`)).text();
      expect(html).toContain('<html lang="bo">');
      expect(html).toContain(web.app.service.localizer.t('bo', 'web:chat.title'));
      expect(problems.errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('choosing བོད་ཡིག before speaking starts the conversation again in Tibetan, with its category buttons; a reload stays Tibetan', async () => {
    const { context, page } = await openPage(web.browser, PHONE);
    try {
      const seen = await openChat(page);
      const zh = await waitForBot(seen, 0, isWelcomeCategories, 'the Chinese welcome');
      expect(zh.text).toMatch(HAN);
      const mark = seen.length;
      await page.locator('.lang-switch [data-lang="bo"]').click();
      const bo = await waitForBot(seen, mark, isWelcomeCategories, 'the Tibetan welcome');
      expect(bo.text).toMatch(TIBETAN);
      const firstTibetan = bo.suggestedActions!.actions[0]!.title;
      expect(firstTibetan).toMatch(TIBETAN);
      // the buttons are on screen, not only in the activity
      await expect.poll(() => page.locator('.webchat__suggested-action', { hasText: firstTibetan }).count(), { timeout: 10_000 }).toBeGreaterThan(0);

      const reloaded = seen.length;
      await page.reload({ waitUntil: 'domcontentloaded', timeout: 90_000 });
      await page.waitForSelector('body[data-ready="true"]', { timeout: 90_000 });
      const again = await waitForBot(seen, reloaded, isWelcomeCategories, 'the welcome after a reload');
      expect(again.text).toMatch(TIBETAN);
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('readable options and cards', () => {
  for (const lang of ['zh-CN', 'bo'] as const) {
    it(`${lang}: no option cut off at 360×740, 1080×1920 and 1366×768; card text, line height and targets large enough; phones never broken`, async () => {
      const { context, page } = await openPage(web.browser, PHONE);
      try {
        const seen = await openChat(page, `?lang=${lang}`);
        await waitForBot(seen, 0, isWelcomeCategories, 'the welcome');
        const mark = seen.length;
        const input = page.locator('[data-id="webchat-sendbox-input"]');
        await input.fill(MULTI_QUESTION[lang]);
        await input.press('Enter');
        await waitForBot(seen, mark, (a) => a.channelData?.messageKey === 'multiChoice', 'the multi-select question');
        await page.waitForSelector('.ac-adaptiveCard input[type="checkbox"]');

        for (const viewport of VIEWPORTS) {
          await page.setViewportSize(viewport);
          const options = await optionBoxes(page);
          expect(options.length).toBeGreaterThan(4);
          for (const o of options) {
            const where = `${viewport.width}×${viewport.height} "${o.text}"`;
            expect(o.scrollWidth, where).toBeLessThanOrEqual(o.clientWidth + 1);
            expect(o.textOverflow, where).not.toBe('ellipsis');
          }
        }
        await page.setViewportSize(PHONE);

        // Type and targets, measured from computed styles and boxes.
        const min = lang === 'bo' ? 18 : 16;
        const card = await page
          .locator('.ac-adaptiveCard')
          .last()
          .evaluate((root) => ({
            texts: [...root.querySelectorAll('.ac-textBlock')].map((e) => ({
              size: Number.parseFloat(getComputedStyle(e).fontSize),
              lineHeight: Number.parseFloat(getComputedStyle(e).lineHeight),
            })),
            rows: [...root.querySelectorAll('input[type="checkbox"]')].map((i) => i.parentElement!.getBoundingClientRect().height),
            boxes: [...root.querySelectorAll('input[type="checkbox"]')].map((i) => i.getBoundingClientRect().width),
            buttons: [...root.querySelectorAll('.ac-pushButton')].map((b) => b.getBoundingClientRect().height),
          }));
        for (const t of card.texts) {
          expect(t.size).toBeGreaterThanOrEqual(min);
          if (lang === 'bo') expect(t.lineHeight / t.size).toBeGreaterThanOrEqual(1.8);
        }
        for (const h of [...card.rows, ...card.buttons]) expect(h).toBeGreaterThanOrEqual(44);
        for (const w of card.boxes) expect(w).toBeGreaterThanOrEqual(24);
        const suggested = await page.locator('.webchat__suggested-action').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
        for (const h of suggested) expect(h).toBeGreaterThanOrEqual(44);

        // On to the checklist: every phone on its card is a tel: link that does not break.
        const answered = seen.length;
        await page.locator('.ac-adaptiveCard').last().locator('.ac-pushButton').first().click();
        const checklist = await answerUntilChecklist(page, seen, answered);
        expect(JSON.stringify(checklist.attachments), 'the checklist card carries tel: links').toContain('tel:');
        const checklistCard = page
          .locator('.ac-adaptiveCard')
          .filter({ has: page.locator('a[href^="tel:"]') })
          .last();
        await expect.poll(() => checklistCard.locator('a[href^="tel:"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
        const phones = await checklistCard
          .locator('a[href^="tel:"]')
          .evaluateAll((links) => links.map((a) => ({ whiteSpace: getComputedStyle(a).whiteSpace, lines: a.getClientRects().length, text: a.textContent })));
        for (const p of phones) {
          expect(p.whiteSpace, p.text ?? '').toBe('nowrap');
          expect(p.lines, p.text ?? '').toBe(1);
        }
        const sizes = await checklistCard.locator('.ac-textBlock').evaluateAll((els) => els.map((e) => Number.parseFloat(getComputedStyle(e).fontSize)));
        expect(Math.min(...sizes)).toBeGreaterThanOrEqual(min);
      } finally {
        await context.close();
      }
    }, 240_000);
  }
});

describe('a person one tap away', () => {
  it("the chat's 转人工 button leads to an answer with a tel: link", async () => {
    const { context, page, problems } = await openPage(web.browser, PHONE);
    try {
      const seen = await openChat(page);
      await waitForBot(seen, 0, isWelcomeCategories, 'the welcome');
      const mark = seen.length;
      await page.locator('#handoff').click();
      // With no county known yet the bot may ask for it first: the person names theirs.
      const first = await waitForBot(seen, mark, (a) => (a.text ?? '') !== '', 'the answer to 转人工');
      if (!/tel:/.test(first.text ?? '')) {
        const asked = seen.length;
        const input = page.locator('[data-id="webchat-sendbox-input"]');
        await input.fill('江孜');
        await input.press('Enter');
        await waitForBot(seen, asked, (a) => /tel:/.test(a.text ?? ''), 'the phones');
      }
      await expect.poll(() => page.locator('.webchat__bubble a[href^="tel:"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(problems.errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
