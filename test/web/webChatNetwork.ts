import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { PHONE, openPage, recordActivities, waitForBot, type SeenActivity } from './browserHarness.js';

/** Issue 13's network tests: the chat page in one language, with every stream it opens and every activity it receives. */
export interface ChatPage {
  context: BrowserContext;
  page: Page;
  seen: SeenActivity[];
  /** the URL of every Direct Line stream the page opened, in order */
  streams: string[];
  input: Locator;
  /** Web Chat's reconnecting status text in this language, as eye and screen reader get it */
  reconnecting: string;
}

interface WebStrings {
  webchat: Record<string, string>;
}

export const userSaid = (text: string) => (a: SeenActivity) => a.from.role === 'user' && a.text === text;

/** All the text Web Chat shows or gives a screen reader (its live regions are visually hidden). */
export const pageText = (page: Page): Promise<string> => page.evaluate(() => document.body.textContent ?? '');

/** Opens the chat page at `base` (in Tibetan: switched to it, its welcome Tibetan) and waits for its welcome. */
export async function openChat(browser: Browser, base: string, lang: 'zh-CN' | 'bo', prepare?: (page: Page) => Promise<void>): Promise<ChatPage> {
  const strings = (await (await fetch(`${base}/locales/${lang}/web.json`)).json()) as WebStrings;
  const { context, page } = await openPage(browser, PHONE);
  await prepare?.(page);
  const seen = recordActivities(page);
  const streams: string[] = [];
  page.on('websocket', (ws) => streams.push(ws.url()));
  await page.goto(`${base}/`);
  await waitForBot(seen, 0, (a) => a.channelData?.messageKey === 'welcome', 'the welcome', 60_000);
  if (lang === 'bo') {
    await page.locator('.lang-switch [data-lang="bo"]').click();
    await expect
      .poll(() => page.locator('[data-id="webchat-sendbox-input"]').getAttribute('placeholder'), { timeout: 30_000 })
      .toBe(strings.webchat.TEXT_INPUT_PLACEHOLDER);
    await waitForBot(seen, 0, (a) => a.channelData?.messageKey === 'welcome' && /[\u0F00-\u0FFF]/.test(a.text ?? ''), 'the Tibetan welcome', 60_000);
  }
  const input = page.locator('[data-id="webchat-sendbox-input"]');
  return { context, page, seen, streams, input, reconnecting: strings.webchat.CONNECTIVITY_STATUS_ALT_RECONNECTING! };
}

/** Types `text`, presses Enter, and waits for the bot's first answer to it. */
export async function say(chat: ChatPage, text: string): Promise<SeenActivity> {
  await chat.input.fill(text);
  await chat.input.press('Enter');
  await expect.poll(() => chat.seen.findIndex(userSaid(text)), { timeout: 60_000, message: `"${text}" reaches the bot` }).toBeGreaterThan(-1);
  return waitForBot(chat.seen, chat.seen.findIndex(userSaid(text)), () => true, `the reply to "${text}"`, 60_000);
}

/** The conversation the user's message `text` was posted to, from the activity the page received back. */
export function conversationOf(chat: ChatPage, text: string): string {
  const echo = chat.seen.find(userSaid(text)) as (SeenActivity & { conversation?: { id: string } }) | undefined;
  return echo!.conversation!.id;
}

/**
 * Every stream the page opened for `conversationId`, as text for assertion messages; and the check that each after the
 * first resumed from a watermark (one opened with the start's empty watermark replays the history).
 */
export function expectResumedStreams(chat: ChatPage, conversationId: string, atLeast = 2): void {
  const opened = chat.streams.filter((u) => u.includes(`/conversations/${conversationId}/stream`));
  const described = `the streams opened: ${chat.streams.map((u) => u.replace(/&t=.*/, '')).join(', ')}`;
  expect(opened.length, described).toBeGreaterThanOrEqual(atLeast);
  expect(chat.streams.slice(chat.streams.indexOf(opened[0]!)), described).toEqual(opened);
  for (const url of opened.slice(1)) expect(url, described).toMatch(/watermark=\d+/);
}

/** After an outage: the status clears, the next message is answered in the same conversation, every stream resumed. */
export async function expectBackInSameConversation(chat: ChatPage, conversationId: string, next: string): Promise<void> {
  await expect.poll(() => pageText(chat.page), { timeout: 90_000, message: 'the reconnecting status clears' }).not.toContain(chat.reconnecting);
  await say(chat, next);
  expect(conversationOf(chat, next)).toBe(conversationId);
  expectResumedStreams(chat, conversationId);
}
