import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
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
        const login = await fetch(`${base}/staff/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: STAFF_TOKEN }) });
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
      await page.goto(`${base}${pagePath}`);
      await page.waitForSelector(ready, { timeout: 30_000 });
      await page.evaluate(() => document.fonts.ready);
      const firstLoad = { ...first };
      const repeat = measure();
      await page.reload();
      await page.waitForSelector(ready, { timeout: 30_000 });
      lines.push(
        `web first load ${pagePath}: ${firstLoad.requests} requests, ${kb(firstLoad.wire)} on the wire vs ${kb(firstLoad.decoded)} uncompressed (${((firstLoad.wire / firstLoad.decoded) * 100).toFixed(0)} %); repeat visit ${kb(repeat.wire)}`,
      );
      await context.close();
    }
  } finally {
    await browser.close();
    service.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return lines;
}
