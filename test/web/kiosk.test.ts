import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QR_MAX_BYTES } from '../../bot/server/webRouter.js';
import {
  KIOSK,
  PHONE,
  answerUntilChecklist,
  openPage,
  pressSuggestedAction,
  recordActivities,
  screenshotAndCheck,
  tibetanFontLoaded,
  waitForBot,
  type SeenActivity,
  useWebApp,
} from './browserHarness.js';

/** The service-hall kiosk on /kiosk, touch only, in real Chromium. */
const web = useWebApp();

type WebConfig = { kioskIdleSeconds: number; categories: { id: string; label: Record<string, string>; query: Record<string, string> }[] };
let webConfig: WebConfig;

beforeAll(async () => {
  webConfig = (await (await fetch(`${web.app.base}/web/config.json`)).json()) as WebConfig;
});

const TIBETAN = /[\u0F00-\u0FFF]/;

async function openKiosk(page: Page, query = ''): Promise<SeenActivity[]> {
  const seen = recordActivities(page);
  await page.goto(`${web.app.base}/kiosk${query}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  await waitForBot(seen, 0, (a) => a.channelData?.messageKey === 'welcome', 'the welcome');
  return seen;
}

/** The conversation the page's Direct Line client reads or posts to, from the page's own resource timings. */
function pollingConversation(page: Page): Promise<string | undefined> {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => /\/conversations\/([^/]+)\/activities/.exec(e.name)?.[1])
      .find((id) => id !== undefined),
  );
}

type ChecklistData = {
  plainText: string;
  checklist: { title: string; materials: { text: string }[]; officePhones: string[] };
  qr: { text: string; shortened: boolean };
};

/** Opens the QR dialog; its text is the checklist's own when it fits, else title, materials and phone, and the page says so. */
async function checkQr(page: Page, { plainText, checklist: data, qr }: ChecklistData): Promise<'full' | 'shortened'> {
  await page.locator('#qr-button').click();
  await page.waitForSelector('#qr-dialog[open]');
  await expect.poll(() => page.locator('#qr-image').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  const qrText = (await page.locator('#qr-image').getAttribute('data-qr-text'))!;
  // The server's text, not one the page makes up; drawn large enough for a phone camera (a 1200-byte code has ~120 modules).
  expect(qrText).toBe(qr.text);
  const width = await page.locator('#qr-image').evaluate((img) => img.getBoundingClientRect().width);
  if (page.viewportSize()!.width >= 1000) expect(width).toBeGreaterThanOrEqual(600);
  if (Buffer.byteLength(plainText, 'utf8') <= QR_MAX_BYTES) {
    expect(qrText).toBe(plainText);
    expect(await page.locator('#qr-shortened').isHidden()).toBe(true);
    return 'full';
  }
  expect(qrText).toContain(data.title);
  expect(qrText).toContain(data.materials[0]!.text);
  for (const phone of data.officePhones) expect(qrText).toContain(phone);
  expect(Buffer.byteLength(qrText, 'utf8')).toBeLessThanOrEqual(QR_MAX_BYTES);
  expect(await page.locator('#qr-shortened').isVisible()).toBe(true);
  return 'shortened';
}

describe('the kiosk', () => {
  it('shows every category as a button, and a button starts the dialog of its matter', async () => {
    const { context, page, problems } = await openPage(web.browser, KIOSK);
    try {
      const seen = await openKiosk(page);
      const labels = await page.locator('#categories button').allTextContents();
      expect(labels).toEqual(web.app.service.knowledge.categories.map((c) => c.label));
      await screenshotAndCheck(page, 'kiosk-zh-1080');

      // A button offers exactly its category's matters, in the data's order; tapping one starts it.
      const kb = web.app.service.knowledge;
      const category = kb.categories.find((c) => kb.matters.filter((m) => m.group === c.id).length > 1)!;
      const group = kb.matters.filter((m) => m.group === category.id);
      const mark = seen.length;
      await page.locator(`#categories button[data-category="${category.id}"]`).click();
      expect(await page.locator('#home').isHidden()).toBe(true);
      const offer = await waitForBot(seen, mark, (a) => a.channelData?.messageKey === 'categoryPick', "the category's matters");
      const offered = offer.suggestedActions!.actions.map((a) => a.title);
      expect(offered.slice(0, -1)).toEqual(group.map((m) => m.title));
      const chosen = group[1]!;
      const picked = seen.length;
      await pressSuggestedAction(page, chosen.title);
      const started = await waitForBot(
        seen,
        picked,
        (a) => a.channelData?.matter !== undefined || a.channelData?.messageKey === 'checklist',
        'the matter dialog',
      );
      expect(started.channelData!.matter ?? started.channelData!.checklist.no).toBe(chosen.no);
      expect(problems.csp).toEqual([]);
      expect(problems.errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('switches the page and the bot to Tibetan with the always-visible switch', async () => {
    const { context, page, problems } = await openPage(web.browser, KIOSK);
    try {
      const seen = await openKiosk(page);
      const bo = (await (await fetch(`${web.app.base}/locales/bo/web.json`)).json()) as { kiosk: { homeHeading: string } };
      const mark = seen.length;
      await page.locator('.lang-switch [data-lang="bo"]').click();
      await expect.poll(() => page.locator('#home h2').textContent()).toBe(bo.kiosk.homeHeading);
      expect(await page.locator('#categories button').allTextContents()).toEqual(webConfig.categories.map((c) => c.label.bo));
      await waitForBot(seen, mark, (a) => TIBETAN.test(a.text ?? ''), 'a Tibetan reply to the switch');
      expect(await tibetanFontLoaded(page)).toBe(true);
      await screenshotAndCheck(page, 'kiosk-bo-1080');
      await page.setViewportSize(PHONE);
      await screenshotAndCheck(page, 'kiosk-bo-360');

      // The bot keeps answering in Tibetan once a category is pressed.
      const mark2 = seen.length;
      await page.locator('#categories button').first().click();
      const reply = await waitForBot(seen, mark2, (a) => (a.text ?? '') !== '', 'a reply to the category');
      expect(reply.text).toMatch(TIBETAN);
      expect(await page.locator('.lang-switch').isVisible()).toBe(true);
      await screenshotAndCheck(page, 'kiosk-bo-360-conversation');

      // A Tibetan checklist is longer than a QR code holds: the code carries the shortened text.
      await page.locator('.kiosk-home').click();
      await page.waitForEvent('load');
      await page.waitForSelector('body[data-ready="true"]');
      const seenAfter = seen.length;
      await page.locator('.lang-switch [data-lang="bo"]').click();
      await waitForBot(seen, seenAfter, (a) => TIBETAN.test(a.text ?? ''), 'a Tibetan reply to the switch');
      const mark3 = seen.length;
      await page.fill('#ask-input', '我退休了要去成都跟儿子住，医保要备案吗');
      await page.locator('#ask button[type="submit"]').click();
      const checklist = await answerUntilChecklist(page, seen, mark3);
      expect((checklist.channelData as ChecklistData).plainText).toMatch(TIBETAN);
      await page.waitForSelector('#checklist-actions:not([hidden])');
      expect(await checkQr(page, checklist.channelData as ChecklistData)).toBe('shortened');
      await page.setViewportSize(KIOSK);
      await screenshotAndCheck(page, 'kiosk-bo-1080-qr');
      expect(problems.csp).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('prints only the checklist, in large type with boxes to tick, and shows a QR code carrying its text', async () => {
    const { context, page, problems } = await openPage(web.browser, KIOSK);
    try {
      const seen = await openKiosk(page);
      await page.setViewportSize(PHONE);
      await screenshotAndCheck(page, 'kiosk-zh-360');
      await page.setViewportSize(KIOSK);
      const mark = seen.length;
      await page.fill('#ask-input', '我退休了要去成都跟儿子住，医保要备案吗');
      await page.locator('#ask button[type="submit"]').click();
      const checklist = await answerUntilChecklist(page, seen, mark);
      const { plainText } = checklist.channelData as ChecklistData;
      await page.waitForSelector('#checklist-actions:not([hidden])');
      // Large type on the card as in the bubbles (Web Chat's default card text is 14 px).
      const cardText = page.locator('.ac-adaptiveCard .ac-textBlock').nth(1);
      expect(await cardText.evaluate((e) => Number.parseFloat(getComputedStyle(e).fontSize))).toBeGreaterThanOrEqual(20);
      await screenshotAndCheck(page, 'kiosk-zh-1080-checklist');

      // QR: the checklist's own text when it fits, else the shortened text with its title, materials and phone.
      await checkQr(page, checklist.channelData as ChecklistData);
      await screenshotAndCheck(page, 'kiosk-zh-1080-qr');
      await page.locator('#qr-dialog button').click();

      // Print: only the checklist is visible, at 14 pt or more, a ☐ before each material to tick off.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('#print-area').isVisible()).toBe(true);
      for (const hidden of ['.kiosk-bar', '#conversation', '#webchat', '#checklist-actions'])
        expect(await page.locator(hidden).isVisible(), hidden).toBe(false);
      const printed = (await page.locator('#print-text').textContent())!;
      const materials = (checklist.channelData as ChecklistData).checklist.materials;
      materials.forEach((m, i) => expect(printed).toContain(`☐ ${i + 1}. ${m.text}`));
      expect(printed.replaceAll('☐ ', '').trim()).toBe(plainText.trim());
      const smallest = await page
        .locator('#print-area')
        .evaluate((area) => Math.min(...[area, ...area.querySelectorAll('*')].map((e) => (Number.parseFloat(getComputedStyle(e).fontSize) * 72) / 96)));
      expect(smallest).toBeGreaterThanOrEqual(14);
      await screenshotAndCheck(page, 'kiosk-zh-print');
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBeGreaterThanOrEqual(1);
      await page.emulateMedia({ media: 'screen' });
      expect(problems.csp).toEqual([]);
      expect(problems.errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('counts down before the idle reset, lets people zoom, shows no category prompt without its buttons, and has 转人工 one tap away', async () => {
    const { context, page, problems } = await openPage(web.browser, KIOSK);
    try {
      const seen = await openKiosk(page, '?idle=8');
      const viewport = await page.locator('meta[name="viewport"]').getAttribute('content');
      expect(viewport).not.toMatch(/user-scalable\s*=\s*(no|0)|maximum-scale/);

      // 转人工 from the home screen: the conversation opens and the bot answers with phones as tel: links.
      const mark = seen.length;
      await page.locator('#handoff').click();
      expect(await page.locator('#conversation').isVisible()).toBe(true);
      const first = await waitForBot(seen, mark, (a) => (a.text ?? '') !== '', 'the answer to 转人工');
      if (!/tel:/.test(first.text ?? '')) {
        const asked = seen.length;
        await page.locator('[data-id="webchat-sendbox-input"]').fill('江孜');
        await page.locator('[data-id="webchat-sendbox-input"]').press('Enter');
        await waitForBot(seen, asked, (a) => /tel:/.test(a.text ?? ''), 'the phones');
      }
      await expect.poll(() => page.locator('.webchat__bubble a[href^="tel:"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      // The welcome's "也可以从下面的类别开始：" is not in the transcript: its buttons are the home screen's.
      const prompt = seen.find((a) => a.channelData?.messageKey === 'welcomeCategories')!.text!;
      expect((await page.locator('#webchat .webchat__bubble').allTextContents()).join('\n')).not.toContain(prompt);

      // Left alone, the last seconds count down on screen; a touch keeps the page.
      await expect.poll(() => page.locator('#idle-warning').isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await page.locator('#idle-count').textContent()).toMatch(/^[1-4]$/);
      await page.mouse.click(5, 400);
      expect(await page.locator('#idle-warning').isHidden()).toBe(true);
      expect(problems.errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('after the idle time clears the conversation and returns home with a new one', async () => {
    const { context, page } = await openPage(web.browser, KIOSK);
    try {
      const seen = await openKiosk(page, '?idle=6');
      // The page streams over a WebSocket (no resource timing); its first POST (the kiosk event) names the conversation.
      await expect.poll(() => pollingConversation(page), { timeout: 10_000 }).toBeDefined();
      const firstConversation = await pollingConversation(page);
      const mark = seen.length;
      await page.locator('#categories button').first().click();
      await waitForBot(seen, mark, (a) => (a.text ?? '') !== '', 'a reply');
      expect(await page.locator('#conversation').isVisible()).toBe(true);
      // No touch for 6 s: the page reloads itself.
      await page.waitForEvent('load', { timeout: 15_000 });
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.locator('#home').isVisible()).toBe(true);
      expect(await page.locator('#conversation').isHidden()).toBe(true);
      expect(await page.locator('#checklist-actions').isHidden()).toBe(true);
      await expect.poll(() => pollingConversation(page), { timeout: 10_000 }).toBeDefined();
      expect(await pollingConversation(page)).not.toBe(firstConversation);
      // Nothing of the last visitor's conversation is on the new page.
      expect(await page.locator('.webchat__bubble--from-user').count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 120_000);
});
