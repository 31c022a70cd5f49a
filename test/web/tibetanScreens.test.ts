import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerUntilChecklist, KIOSK, openPage, PHONE, recordActivities, waitForBot, type SeenActivity, useWebApp } from './browserHarness.js';

/**
 * Every screen in Tibetan (issue 16): in Tibetan mode, what a screen reader speaks on the chat
 * page and the kiosk (Web Chat's own labels, live-region texts, "Sent at …", the keyboard help,
 * time stamps) holds no English, in real Chromium through a whole conversation to a checklist.
 */
const web = useWebApp();
let bo: { webchat: Record<string, string>; webchatFormat: Record<string, string> };

beforeAll(async () => {
  bo = (await (await fetch(`${web.app.base}/locales/bo/web.json`)).json()) as typeof bo;
});

const TIBETAN = /[\u0F00-\u0FFF]/;
/**
 * Latin a Tibetan screen may hold: key caps a screen reader names as printed on the keyboard
 * (web:webchat.ACCESS_KEY_ALT in bo.review.json), and APP, the guides' own word for the mobile
 * app, which the Tibetan knowledge text keeps (matter 1's channels).
 */
const KEY_NAMES = new Set(['Tab', 'Shift', 'Enter', 'Esc', 'Alt', 'Control', 'Option', 'APP']);

/**
 * Every text a person or a screen reader meets: text on screen, text a screen reader is given
 * (visually hidden live-region and "Sent at" texts, the keyboard help), and the spoken attributes.
 * Not what neither meets (display: none; the kiosk's off-screen print area, hidden and aria-hidden).
 */
function accessibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const spoken = (el: Element): boolean => el.checkVisibility() && !el.closest('[aria-hidden="true"]');
    const met = (el: Element): boolean => el.checkVisibility({ visibilityProperty: true }) || spoken(el);
    const out: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (parent && !['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(parent.tagName) && met(parent) && n.textContent!.trim() !== '')
        out.push(n.textContent!.trim());
    }
    for (const el of document.querySelectorAll('*')) {
      if (!spoken(el)) continue;
      for (const a of ['aria-label', 'aria-roledescription', 'aria-valuetext', 'aria-description', 'aria-placeholder', 'title', 'alt', 'placeholder']) {
        const v = el.getAttribute(a);
        if (v && v.trim() !== '') out.push(v.trim());
      }
    }
    return out;
  });
}

/** The English words among `texts`, key names aside. */
const englishIn = (texts: string[]): string[] => texts.filter((t) => (t.match(/[A-Za-z]{2,}/g) ?? []).some((w) => !KEY_NAMES.has(w)));

/** The texts holding Chinese, but for the switch back to it, which is labelled in its own language (中文). */
const chineseIn = (texts: string[]): string[] => texts.filter((t) => /\p{Script=Han}/u.test(t.replace(/中文/g, '')));

/** a Tibetan question of the development set that names its matter (1) and county */
const QUESTION = 'ཁྲིན་ཀོན་ཆུས་སུ་ཁེ་ལས་གསར་པ་ཞིག་ཡོད། ལས་ཁུངས་སྨན་བཅོས་འགན་བཅོལ་ལ་ཞུགས་པར་ཚོང་ལས་ལག་ཁྱེར་དགོས་སམ།';

async function tibetanConversation(page: Page, seen: SeenActivity[], input: string, submit?: string): Promise<void> {
  const mark = seen.length;
  const box = page.locator(input);
  await box.fill(QUESTION);
  if (submit) await page.locator(submit).click();
  else await box.press('Enter');
  const checklist = await answerUntilChecklist(page, seen, mark);
  expect(checklist.text ?? JSON.stringify(checklist.attachments)).toMatch(TIBETAN);
  await expect.poll(() => page.locator('.ac-adaptiveCard').count(), { timeout: 10_000 }).toBeGreaterThan(0);
}

describe('every screen in Tibetan', () => {
  it('the chat page: Web Chat speaks Tibetan (labels, live region, sent-at time, keyboard help), no English', async () => {
    const { context, page, problems } = await openPage(web.browser, PHONE);
    try {
      const seen = recordActivities(page);
      await page.goto(`${web.app.base}/`);
      await waitForBot(seen, 0, (a) => a.channelData?.messageKey === 'welcome', 'the welcome');
      const mark = seen.length;
      await page.locator('.lang-switch [data-lang="bo"]').click();
      await waitForBot(seen, mark, (a) => TIBETAN.test(a.text ?? ''), 'the switch to Tibetan');
      await tibetanConversation(page, seen, '[data-id="webchat-sendbox-input"]');
      // the keyboard help opens when the transcript takes keyboard focus
      await page
        .locator('.webchat__basic-transcript__terminator, .webchat__basic-transcript')
        .first()
        .focus()
        .catch(() => undefined);
      const texts = await accessibleTexts(page);
      const all = texts.join('\n');
      expect(englishIn(texts)).toEqual([]);
      expect(chineseIn(texts)).toEqual([]);
      expect(all).toContain(bo.webchat.KEYBOARD_HELP_HEADER);
      expect(all).toContain(bo.webchat.TRANSCRIPT_ARIA_LABEL_ALT);
      // "Sent at …" as the screen reader hears it, with the time written from webchatFormat
      const sentAt = bo.webchat.ACTIVITY_STATUS_SEND_STATUS_ALT_SENT_AT!.replace('$1', '');
      const dateHead = bo.webchatFormat.dateTime!.split('$1')[0]!;
      expect(texts.some((t) => t.startsWith(sentAt) && t.includes(dateHead))).toBe(true);
      expect(problems.errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('the kiosk in Tibetan: the same, through a whole conversation', async () => {
    const { context, page, problems } = await openPage(web.browser, KIOSK);
    try {
      const seen = recordActivities(page);
      await page.goto(`${web.app.base}/kiosk`);
      await page.waitForSelector('body[data-ready="true"]');
      await waitForBot(seen, 0, (a) => a.channelData?.messageKey === 'welcome', 'the welcome');
      const mark = seen.length;
      await page.locator('.lang-switch [data-lang="bo"]').click();
      await waitForBot(seen, mark, (a) => TIBETAN.test(a.text ?? ''), 'the switch to Tibetan');
      await tibetanConversation(page, seen, '#ask-input', '#ask button[type="submit"]');
      const texts = await accessibleTexts(page);
      expect(englishIn(texts)).toEqual([]);
      expect(chineseIn(texts)).toEqual([]);
      expect(texts.join('\n')).toContain(bo.webchat.KEYBOARD_HELP_HEADER);
      // The printout is off screen but on paper: its time in Tibetan too, not the browser's English date.
      const footer = await page.locator('#print-footer').textContent();
      expect(footer).toMatch(TIBETAN);
      expect(englishIn([footer ?? ''])).toEqual([]);
      expect(problems.errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('would catch an English Web Chat string or Chinese: the checks themselves fail on them', () => {
    expect(englishIn(['Sent at November 30, 7:20 PM', 'Tab མཐེབ།', 'Shift + Tab མཐེབ།'])).toEqual(['Sent at November 30, 7:20 PM']);
    expect(chineseIn(['中文', 'བོད་ཡིག', '咨询电话 ༠༨༩༡'])).toEqual(['咨询电话 ༠༨༩༡']);
  });
});
