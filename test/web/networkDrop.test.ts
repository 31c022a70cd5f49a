import { describe, expect, it } from 'vitest';
import { useWebApp, waitForBot } from './browserHarness.js';
import { conversationOf, expectResumedStreams, openChat, pageText, say, userSaid } from './webChatNetwork.js';

/**
 * Issue 13 "Connections that survive the network": the chat page in real Chromium goes offline
 * for longer than the old failure (5–6 s), its WebSocket is cut, the person types while offline,
 * and when the network returns the page goes on with the same conversation from its watermark.
 */
const env = useWebApp();

/** Cuts every stream socket on the server with no close frame, as a lost network leaves it. */
function cutStreams(): number {
  const subscribers = (env.app.service.directLineStream as unknown as { subscribers: Set<{ socket: { terminate(): void } }> }).subscribers;
  for (const s of subscribers) s.socket.terminate();
  return subscribers.size;
}

async function dropAndResume(lang: 'zh-CN' | 'bo', first: string, offline: string): Promise<void> {
  const chat = await openChat(env.browser, env.app.base, lang);
  const { context, page, seen, input, reconnecting } = chat;
  try {
    const firstReply = await say(chat, first);
    const conversationId = conversationOf(chat, first);

    // The network goes, and the socket with it (Chromium's offline mode alone leaves an open socket be).
    await context.setOffline(true);
    expect(cutStreams()).toBeGreaterThan(0);
    await expect.poll(() => pageText(page), { timeout: 60_000, message: 'the page says it is reconnecting' }).toContain(reconnecting);
    await page.waitForTimeout(12_000); // longer offline than the old failure (5–6 s); the scenario, not an assertion
    await input.fill(offline);
    await input.press('Enter');
    await context.setOffline(false);

    // What was typed offline is sent (Web Chat's own retry, or a press of its resend button), and answered.
    await expect
      .poll(
        async () => {
          if (seen.some(userSaid(offline))) return true;
          // Only the message typed offline's own resend button: pressing another's (an earlier message whose POST answer the
          // drop cut off, though it was delivered) would send that one again.
          const retry = page
            .locator('.webchat__basic-transcript__activity', { hasText: offline })
            .locator('.webchat__activity-status button, button.webchat__activity-status__retry, [class*="sendFailed"] button');
          if (await retry.count())
            await retry
              .last()
              .click()
              .catch(() => undefined);
          return false;
        },
        { timeout: 120_000, interval: 1000, message: 'the message typed offline reaches the bot' },
      )
      .toBe(true);
    await waitForBot(seen, seen.findIndex(userSaid(offline)), () => true, 'the reply to the message typed offline', 120_000);

    // The same conversation, resumed from its watermark: every reconnect streams it, none from the start (which would
    // replay the history), and no reply shows twice.
    expect(conversationOf(chat, offline)).toBe(conversationId);
    expectResumedStreams(chat, conversationId);
    const shown = await page.locator('.webchat__basic-transcript__activity').allTextContents();
    const replyText = firstReply.text!.slice(0, 12);
    expect(
      shown.filter((t) => t.includes(replyText)),
      `the transcript: ${shown.join(' | ')}; the page received: ${seen.map((a) => `${a.id} ${a.from.role}: ${a.text}`).join(' | ')}`,
    ).toHaveLength(1);
    // The status no longer says it is reconnecting, to the eye or to a screen reader.
    await expect.poll(() => pageText(page), { timeout: 60_000 }).not.toContain(reconnecting);
  } finally {
    await context.close();
  }
}

/**
 * The page marks the connection reconnecting on the `offline` event and when its stream closes, never by writing
 * directlinejs's own status (which re-subscribed the stream from the start's empty watermark: the Tibetan flake), and
 * submits the send box again after reconnecting, since Web Chat's send box ignores Enter while reconnecting.
 */
describe('a network drop on the chat page', () => {
  // retry: the empty-watermark flake is gone (every stream after the first resumes from a watermark, in every run), but the
  // Tibetan case failed 3 times in 11 full-file runs under heavy machine load (never in 4 runs alone) on another check: the
  // first reply shown twice. Suspected: the drop cut the first message's POST answer (a slow turn), Web Chat marked it
  // failed, and this test pressed that message's resend button; it now presses only the offline message's. Since then,
  // with retry 0: 4 of 4 file runs passed quiet and 4 of 4 at load 4 (2026-12-01). Kept as a guard for CI machines
  // busier than that; the assertion message lists the transcript and every activity received.
  const options = { timeout: 240_000, retry: 2 };
  it('reconnects to the same conversation, sends what was typed offline, and the status tells the truth (Chinese)', options, async () => {
    await dropAndResume('zh-CN', '生育津贴怎么申请', '异地就医备案要什么材料');
  });

  it('the same in Tibetan', options, async () => {
    await dropAndResume('bo', 'བོད་ཡིག', 'སྨན་བཅོས་འགན་བཅོལ།');
  });
});
