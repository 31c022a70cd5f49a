import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { buildService } from '../bot/index.js';
import { createLogger } from '../bot/logging/logger.js';
import { chromiumPath } from '../test/support/prerequisites.js';

const STAFF_TOKEN = 'bench-staff-token-0123456789';

/** The pages a first visitor loads, and what says the page is ready to use. */
const PAGES = [
  { path: '/', ready: '.webchat__bubble' },
  { path: '/?lang=bo', ready: '.webchat__bubble' },
  { path: '/kiosk', ready: 'body[data-ready="true"]' },
  { path: '/agent', ready: 'body[data-ready="true"]' },
] as const;

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} kB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** A rural mobile link (issue 14 §6): 400 kbps down, 200 kbps up, 150 ms round trip. */
const SLOW_LINK = { offline: false, latency: 150, downloadThroughput: 400_000 / 8, uploadThroughput: 200_000 / 8 };

/**
 * The page as it was before issue 14 §6, rebuilt from today's in the browser: no strings in the
 * HTML (the scripts fetch web.json) and Web Chat's bundle as a deferred script in <head>, which the
 * page's own module script waits for.
 */
function asBefore(html: string): string {
  const bundle = /src="(\/assets\/[^/]+)\/js\//.exec(html)![1]!;
  return html
    .replace(/<script type="application\/json" id="web-strings">[\s\S]*?<\/script>\n?/, '')
    .replace(/(\sdata-i18n="[\w.]+"[^>]*>)[^<]*(<\/)/g, '$1$2')
    .replace('<script type="module"', `<script src="${bundle}/vendor/webchat.js" defer></script>\n<script type="module"`);
}

/**
 * First contentful paint, the header's text on screen, and time to usable (Web Chat connected,
 * body[data-ready]) on the slow link with an empty cache, for today's page and the page as it
 * was, in the same run.
 */
async function slowLinkBench(browser: Browser, base: string): Promise<string[]> {
  const lines: string[] = [];
  for (const pagePath of ['/', '/kiosk']) {
    const figures: Record<string, { fcp: number; header: number; usable: number }> = {};
    for (const variant of ['before', 'after'] as const) {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
      if (variant === 'before') {
        await page.route(`${base}${pagePath}`, async (route) => {
          const res = await route.fetch();
          await route.fulfill({ response: res, body: asBefore(await res.text()) });
        });
      }
      await page.goto(`${base}${pagePath}`, { waitUntil: 'commit' });
      await page.waitForFunction(() => (document.querySelector('h1')?.textContent ?? '').trim() !== '', undefined, { polling: 'raf', timeout: 300_000 });
      const header = await page.evaluate(() => performance.now());
      await page.waitForSelector('body[data-ready="true"]', { timeout: 300_000 });
      const usable = await page.evaluate(() => performance.now());
      const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN);
      figures[variant] = { fcp, header, usable };
      await context.close();
    }
    const { before, after } = figures as Record<'before' | 'after', { fcp: number; header: number; usable: number }>;
    lines.push(
      `web on a 400 kbps link ${pagePath}: first contentful paint ${seconds(after.fcp)} (before ${seconds(before.fcp)}), header text ${seconds(after.header)} (before ${seconds(before.header)}), usable ${seconds(after.usable)} (before ${seconds(before.usable)})`,
    );
  }
  return lines;
}

/**
 * First-load transfer size of the front ends, measured in Chromium with an empty
 * cache: bytes on the wire (compressed, headers included) against the decoded
 * bytes the same load would have cost uncompressed; and a repeat visit, where the
 * year-long cache leaves only the HTML revalidation and the live requests.
 */
export async function webBench(): Promise<string[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-web-'));
  const service = await buildService({ NODE_ENV: 'test', DATA_DIR: dataDir, STAFF_TOKEN, LOG_LEVEL: 'silent' }, createLogger('silent'));
  const server = service.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  service.attach(server); // Direct Line's WebSocket upgrades (the pages stream their replies)
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const lines: string[] = [];
  try {
    for (const { path: pagePath, ready } of PAGES) {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
      if (pagePath === '/agent') {
        const login = await fetch(`${base}/staff/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ token: STAFF_TOKEN }),
        });
        const [name, value] = login.headers.get('set-cookie')!.split(';')[0]!.split('=') as [string, string];
        await context.addCookies([{ name, value, url: base }]);
      }
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const measure = () => {
        const totals = { requests: 0, wire: 0, decoded: 0 };
        cdp.on('Network.dataReceived', (e: { dataLength: number }) => (totals.decoded += e.dataLength));
        cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
          totals.requests += 1;
          totals.wire += e.encodedDataLength;
        });
        return totals;
      };
      const first = measure();
      await page.goto(`${base}${pagePath}`, { timeout: 180_000 });
      await page.waitForSelector(ready, { timeout: 30_000 });
      await page.evaluate(() => document.fonts.ready);
      const firstLoad = { ...first };
      const repeat = measure();
      await page.reload({ timeout: 180_000 });
      await page.waitForSelector(ready, { timeout: 30_000 });
      lines.push(
        `web first load ${pagePath}: ${firstLoad.requests} requests, ${kb(firstLoad.wire)} on the wire vs ${kb(firstLoad.decoded)} uncompressed (${((firstLoad.wire / firstLoad.decoded) * 100).toFixed(0)} %); repeat visit ${kb(repeat.wire)}`,
      );
      await context.close();
    }
    lines.push(...(await slowLinkBench(browser, base)));
  } finally {
    await browser.close();
    service.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return lines;
}
