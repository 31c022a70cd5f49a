import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KIOSK,
  PHONE,
  answerUntilChecklist,
  openPage,
  recordActivities,
  screenshotAndCheck,
  tibetanFontLoaded,
  waitForBot,
  useWebApp,
} from './browserHarness.js';

/** The official Web Chat on /, through our own Direct Line, in real Chromium. */
/** Another site (another origin) that embeds the widget with the README's snippet. */
let host: Server;
let hostOrigin: string;

beforeAll(async () => {
  host = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><title>host</title><p>医保局网站</p><script src="${web.app.base}/embed.js" async></script>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
});
// registered before useWebApp, so the host page closes after the service and the browser
afterAll(async () => {
  host?.closeAllConnections();
  await new Promise((resolve) => host?.close(resolve));
});
const web = useWebApp(() => ({ WIDGET_EMBED_ORIGINS: hostOrigin }));

const TIBETAN = /[\u0F00-\u0FFF]/;

describe('the web chat widget', () => {
  it('holds a real conversation to a checklist: suggested actions clickable, Adaptive Card shown, no CSP violation', async () => {
    const { context, page, problems } = await openPage(web.browser, PHONE);
    try {
      const seen = recordActivities(page);
      await page.goto(`${web.app.base}/`);
      await waitForBot(seen, 0, (a) => a.channelData?.messageKey === 'welcome', 'the welcome');
      await screenshotAndCheck(page, 'chat-zh-360');

      const mark = seen.length;
      const input = page.locator('[data-id="webchat-sendbox-input"]');
      await input.fill('我退休了要去成都跟儿子住，医保要备案吗');
      await input.press('Enter');
      const checklist = await answerUntilChecklist(page, seen, mark);

      const expected = web.app.service.knowledge.matter(checklist.channelData!.checklist.no)!;
      expect(checklist.channelData!.checklist.title).toBe(expected.title);
      expect(checklist.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
      // The checklist's card (the next-steps card follows it).
      const card = page.locator('.ac-adaptiveCard').filter({ hasText: expected.title }).first();
      await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain(expected.title);
      // Every material of the personal checklist is on the card, under its own number (not a "1." markdown list each).
      const shown = await card.textContent();
      (checklist.channelData!.checklist.materials as { text: string }[]).forEach((m, i) => {
        expect(shown).toContain(`${i + 1}. ${m.text}`);
      });
      await card.scrollIntoViewIfNeeded();
      await screenshotAndCheck(page, 'chat-zh-360-checklist');
      await page.setViewportSize(KIOSK);
      await screenshotAndCheck(page, 'chat-zh-1080');
      expect(problems.csp).toEqual([]);
      expect(problems.errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('switches to Tibetan: UI strings, Web Chat strings and the bot replies, in the served Tibetan font', async () => {
    const { context, page, problems } = await openPage(web.browser, PHONE);
    try {
      const seen = recordActivities(page);
      await page.goto(`${web.app.base}/`);
      await waitForBot(seen, 0, (a) => a.channelData?.messageKey === 'welcome', 'the welcome');
      const bo = (await (await fetch(`${web.app.base}/locales/bo/web.json`)).json()) as { chat: { title: string }; webchat: Record<string, string> };
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
  }, 120_000);

  it('is embedded in another site by the one-line snippet, which only the configured origins may frame', async () => {
    const { context, page, problems } = await openPage(web.browser, { width: 1280, height: 800 });
    try {
      await page.goto(hostOrigin);
      const open = page.locator('body > button');
      await open.click();
      const frame = page.frameLocator('iframe');
      await expect.poll(() => frame.locator('.webchat__bubble').first().textContent(), { timeout: 15_000 }).toBeTruthy();
      expect(await frame.locator('h1').textContent()).toBe(web.app.service.localizer.t('zh-CN', 'web:chat.title'));
      expect(await open.getAttribute('aria-expanded')).toBe('true');
      const csp = (await fetch(`${web.app.base}/chat`)).headers.get('content-security-policy')!;
      expect(csp).toContain(`frame-ancestors 'self' ${hostOrigin}`);
      // Other pages stay unframeable.
      expect((await fetch(`${web.app.base}/kiosk`)).headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'(;|$)/);
      expect(problems.csp).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
