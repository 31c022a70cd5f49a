import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildService, type Service } from '../../bot/index.js';
import { ROOT_DIR } from '../../bot/config/config.js';
import { createLogger } from '../../bot/logging/logger.js';
import { chromiumPath } from '../support/prerequisites.js';

export const SCREENSHOT_DIR = path.join(ROOT_DIR, 'test', 'screenshots');
export const PHONE = { width: 360, height: 740 } as const;
export const KIOSK = { width: 1080, height: 1920 } as const;
export const STAFF_TOKEN = 'staff-token-for-browser-tests';

export interface WebApp {
  service: Service;
  base: string;
  close(): Promise<void>;
}

/** The real service (composition root, knowledge, lowdb in a temp DATA_DIR) on a loopback port. */
export async function startWebApp(env: NodeJS.ProcessEnv = {}): Promise<WebApp> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'web-'));
  const service = await buildService({ NODE_ENV: 'test', DATA_DIR: dataDir, STAFF_TOKEN, ...env }, createLogger('silent'));
  const server: Server = service.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  service.attach(server); // Direct Line's WebSocket upgrades (the pages stream their replies)
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    service,
    base,
    close: async () => {
      service.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * The service and a Chromium for a whole test file: both started before its tests (side by side),
 * both closed after them. `env` may be a function, read when they start (a value another beforeAll
 * makes, such as a host page's origin). Read `app` and `browser` inside hooks and tests only.
 */
export function useWebApp(env: NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv) = {}): { readonly app: WebApp; readonly browser: Browser } {
  let app: WebApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    const [started, launched] = await Promise.allSettled([startWebApp(typeof env === 'function' ? env() : env), launchBrowser()]);
    // keep whichever started, so afterAll closes it when the other failed
    if (started.status === 'fulfilled') app = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useWebApp: the app and the browser start in beforeAll');
    return value;
  };
  return {
    get app() {
      return started(app);
    },
    get browser() {
      return started(browser);
    },
  };
}

/** Everything a page reported that a test must not ignore: CSP violations, script errors, failed requests. */
export interface PageProblems {
  csp: string[];
  errors: string[];
}

/** A page in a fresh context that records CSP violations (both the event and Chromium's console report). */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number } = PHONE,
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: PageProblems = { csp: [], errors: [] };
  await page.exposeFunction('__reportCsp', (text: string) => problems.csp.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCsp: (t: string) => void }).__reportCsp(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.csp.push(m.text());
    else if (m.type() === 'error') problems.errors.push(m.text());
  });
  page.on('pageerror', (e) => problems.errors.push(e.message));
  return { context, page, problems };
}

export type SeenActivity = {
  id?: string;
  type: string;
  text?: string;
  from: { id: string; role?: string };
  attachments?: { contentType: string; content: unknown }[];
  suggestedActions?: { actions: { title: string; value: string }[] };
  channelData?: Record<string, any>;
};

/** Every activity the page's Direct Line client receives, read from its own poll responses and WebSocket frames. */
export function recordActivities(page: Page): SeenActivity[] {
  const seen: SeenActivity[] = [];
  const ids = new Set<string>();
  const record = (body: { activities: SeenActivity[] }): void => {
    for (const a of body.activities) {
      if (a.id && ids.has(a.id)) continue;
      if (a.id) ids.add(a.id);
      seen.push(a);
    }
  };
  page.on('response', async (res) => {
    if (res.request().method() !== 'GET' || !/\/v3\/directline\/conversations\/[^/]+\/activities/.test(res.url())) return;
    try {
      record((await res.json()) as { activities: SeenActivity[] });
    } catch {
      // a poll cut short by navigation
    }
  });
  // The pages stream (Direct Line WebSocket): ActivitySet frames, and '' keep-alives to skip.
  page.on('websocket', (ws) => {
    if (!/\/v3\/directline\/conversations\/[^/]+\/stream/.test(ws.url())) return;
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload !== '') record(JSON.parse(payload) as { activities: SeenActivity[] });
    });
  });
  return seen;
}

const fromBot = (a: SeenActivity): boolean => a.from.role !== 'user' && a.type === 'message';

/** Waits for a bot message after index `after` that satisfies `test`. */
export async function waitForBot(
  seen: SeenActivity[],
  after: number,
  test: (a: SeenActivity) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<SeenActivity> {
  let found: SeenActivity | undefined;
  await expect
    .poll(() => (found = seen.slice(after).find((a) => fromBot(a) && test(a))), { timeout: timeoutMs, interval: 50, message: `waiting for ${what}` })
    .toBeDefined();
  return found!;
}

/** Presses the suggested action with this title (the newest, when an earlier turn showed it too). */
export async function pressSuggestedAction(page: Page, title: string): Promise<void> {
  await page.locator('.webchat__suggested-actions button', { hasText: title }).last().click();
}

/**
 * Answers the bot's questions in the page, pressing the suggested action `choose` names (the first
 * by default), until a checklist arrives, in at most `maxAnswers` answers. Returns the checklist activity.
 */
export async function answerUntilChecklist(
  page: Page,
  seen: SeenActivity[],
  after: number,
  { choose = (question: SeenActivity) => String(question.suggestedActions!.actions[0]!.title), maxAnswers = 8 } = {},
): Promise<SeenActivity> {
  let mark = after;
  for (let turn = 0; turn < maxAnswers; turn++) {
    const next = await waitForBot(
      seen,
      mark,
      (a) => a.channelData?.messageKey === 'checklist' || (a.suggestedActions?.actions.length ?? 0) > 0,
      'a question or the checklist',
    );
    if (next.channelData?.messageKey === 'checklist') return next;
    mark = seen.indexOf(next) + 1;
    await pressSuggestedAction(page, choose(next));
  }
  throw new Error(`no checklist after ${maxAnswers} answers`);
}

/** Saves a screenshot and asserts nothing overflows sideways. */
export async function screenshotAndCheck(page: Page, name: string): Promise<void> {
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${name}: page wider than the viewport`).toBeLessThanOrEqual(innerWidth);
}

/** True when the Tibetan web font is loaded and used (so stacks render from it, not as boxes). */
export function tibetanFontLoaded(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    await document.fonts.ready;
    return (
      document.fonts.check("16px 'Noto Serif Tibetan'", 'བོད་ཡིག') &&
      [...document.fonts].some((f) => f.family.includes('Noto Serif Tibetan') && f.status === 'loaded')
    );
  });
}
