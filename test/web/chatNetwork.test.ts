import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CLOSE_SERVICE_RESTART } from '../../bot/directline/directLineStream.js';
import { useWebApp } from './browserHarness.js';
import { conversationOf, expectBackInSameConversation, openChat, pageText, say } from './webChatNetwork.js';

/**
 * Issue 13 "Connections that survive the network", beyond a short drop (networkDrop.test.ts): the stream cut by the
 * server while the browser stays online, an outage long enough for directlinejs to give up, and a proxy that refuses
 * the WebSocket upgrade. Real Chromium, the real service, both languages.
 */
const env = useWebApp();

type StreamSocket = { close(code: number, reason: string): void; terminate(): void };

/** The server's open stream sockets (the test reaches into the stream, as a restart or a lost network would). */
function streamSockets(): StreamSocket[] {
  const subscribers = (env.app.service.directLineStream as unknown as { subscribers: Set<{ socket: StreamSocket }> }).subscribers;
  return [...subscribers].map((s) => s.socket);
}

const LANGS = [
  { lang: 'zh-CN', first: '生育津贴怎么申请', second: '异地就医备案要什么材料' },
  { lang: 'bo', first: 'བོད་ཡིག', second: 'སྨན་བཅོས་འགན་བཅོལ།' },
] as const;

describe.each(LANGS)('the chat page in $lang', ({ lang, first, second }) => {
  it(
    'says it is reconnecting when the server cuts its stream while the browser stays online (1012, a restart), and stops once it is back',
    { timeout: 240_000 },
    async () => {
      const chat = await openChat(env.browser, env.app.base, lang);
      try {
        await say(chat, first);
        const conversationId = conversationOf(chat, first);
        const sockets = streamSockets();
        expect(sockets.length).toBeGreaterThan(0);
        for (const socket of sockets) socket.close(CLOSE_SERVICE_RESTART, 'service restart');
        // directlinejs waits 3-15 s before it reconnects: the status says so meanwhile, to the eye and to a screen reader.
        await expect.poll(() => pageText(chat.page), { timeout: 30_000, message: 'the page says it is reconnecting' }).toContain(chat.reconnecting);
        expect(await chat.page.evaluate(() => navigator.onLine)).toBe(true);
        await expectBackInSameConversation(chat, conversationId, second);
      } finally {
        await chat.context.close();
      }
    },
  );

  it('resumes the same conversation from its watermark after an outage long enough for directlinejs to give up', { timeout: 240_000 }, async () => {
    const chat = await openChat(env.browser, env.app.base, lang, (page) => page.clock.install());
    try {
      await say(chat, first);
      const conversationId = conversationOf(chat, first);
      // Offline, and the socket gone with the network.
      const reconnects = { failed: 0 };
      chat.page.on('requestfailed', (req) => {
        if (req.method() === 'GET' && new RegExp(`/conversations/${conversationId}\\?watermark=`).test(req.url())) reconnects.failed++;
      });
      await chat.context.setOffline(true);
      for (const socket of streamSockets()) socket.terminate();
      await expect.poll(() => pageText(chat.page), { timeout: 30_000 }).toContain(chat.reconnecting);
      // The page's clock runs 20 s ahead at each look: directlinejs retries its reconnect every 20 s and gives up after
      // 45 failures (15 minutes), by its own timers, which the page's clock drives.
      await expect
        .poll(
          async () => {
            await chat.page.clock.fastForward(20_000);
            return reconnects.failed;
          },
          { timeout: 180_000, interval: 100, message: "directlinejs's 45 reconnect attempts, failed offline" },
        )
        .toBeGreaterThanOrEqual(45);
      await chat.page.clock.fastForward(10 * 60_000); // and longer still
      await chat.context.setOffline(false);
      await expectBackInSameConversation(chat, conversationId, second);
    } finally {
      await chat.context.close();
    }
  });

  it('falls back to polling, same conversation, when a proxy refuses the WebSocket upgrade while HTTP works', { timeout: 240_000 }, async () => {
    const proxy = await upgradeRefusingProxy(env.app.base);
    const chat = await openChat(env.browser, proxy.base, lang);
    try {
      await say(chat, first);
      const conversationId = conversationOf(chat, first);
      // Two refused upgrades, then polls: no stream ever opened.
      expect(proxy.refusedUpgrades).toBeGreaterThanOrEqual(2);
      expect(proxy.polls).toBeGreaterThan(0);
      expect(chat.streams.length).toBe(proxy.refusedUpgrades);
      const refused = proxy.refusedUpgrades;
      await say(chat, second);
      expect(conversationOf(chat, second)).toBe(conversationId);
      expect(proxy.refusedUpgrades, 'no more upgrades tried once polling').toBe(refused);
    } finally {
      await chat.context.close();
      await proxy.close();
    }
  });
});

/** A loopback HTTP proxy to `target` that answers every WebSocket upgrade 403, as some corporate and mobile proxies do. */
async function upgradeRefusingProxy(target: string): Promise<{ base: string; refusedUpgrades: number; polls: number; close(): Promise<void> }> {
  const to = new URL(target);
  const counts = { refusedUpgrades: 0, polls: 0 };
  const server: Server = http.createServer((req: IncomingMessage, res) => {
    if (req.method === 'GET' && /\/v3\/directline\/conversations\/[^/]+\/activities/.test(req.url ?? '')) counts.polls++;
    const upstream = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
    counts.refusedUpgrades++;
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get refusedUpgrades() {
      return counts.refusedUpgrades;
    },
    get polls() {
      return counts.polls;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
