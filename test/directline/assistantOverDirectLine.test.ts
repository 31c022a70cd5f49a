import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService, type Service } from '../../bot/index.js';
import { createLogger } from '../../bot/logging/logger.js';

/**
 * The whole assistant (composition root, real knowledge, lowdb state) through
 * its own Direct Line endpoint, driven by the official botframework-directlinejs
 * client the way Web Chat drives it.
 */
const require = createRequire(import.meta.url);
type DirectLineModule = typeof import('botframework-directlinejs');
type Activity = { id?: string; type: string; text?: string; from: { id: string }; attachments?: any[]; channelData?: any; suggestedActions?: any };

const globals = globalThis as Record<string, unknown>;
let dl: DirectLineModule;
let service: Service;
let server: Server;
let domain: string;

beforeAll(async () => {
  globals.XMLHttpRequest = require('xhr2');
  globals.WebSocket = require('ws');
  dl = require('botframework-directlinejs') as DirectLineModule;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-bot-'));
  service = await buildService({ NODE_ENV: 'test', DATA_DIR: dataDir }, createLogger('silent'));
  server = service.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  domain = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/directline`;
});
afterAll(async () => {
  service.close();
  await new Promise((r) => server.close(r));
});

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the assistant over Direct Line', () => {
  it('holds a conversation to a checklist with the region office for a retiree moving to 成都', async () => {
    const token = ((await (await fetch(`${domain}/tokens/generate`, { method: 'POST' })).json()) as { token: string }).token;
    const client = new dl.DirectLine({ domain, token, webSocket: false, pollingInterval: 100, timeout: 10_000 });
    const seen: Activity[] = [];
    const sub = client.activity$.subscribe({ next: (a) => seen.push(a as Activity), error: () => undefined });
    try {
      const fromBot =
        (key: string, after = 0) =>
        () =>
          seen.slice(after).find((a) => a.from.id !== 'me' && a.channelData?.messageKey === key);
      await waitFor(fromBot('welcome'), 'the welcome');
      const say = async (text: string) => {
        const mark = seen.length;
        await new Promise<string>((resolve, reject) =>
          client
            .postActivity({ type: 'message', text, from: { id: 'me' }, channelData: { clientActivityID: `c-${mark}` } } as never)
            .subscribe({ next: resolve, error: reject }),
        );
        // Web Chat waits for its own message to come back with its clientActivityID.
        await waitFor(() => seen.slice(mark).find((a) => a.channelData?.clientActivityID === `c-${mark}`), 'the echo');
        return mark;
      };
      let mark = await say('我退休了要去成都跟儿子住，医保要备案吗');
      const question = await waitFor(fromBot('question', mark), 'the first question');
      expect(question.suggestedActions.actions.length).toBeGreaterThanOrEqual(2);
      mark = await say(question.suggestedActions.actions[0].value);
      const delegate = await waitFor(fromBot('question', mark), 'the 委托 question');
      mark = await say(delegate.suggestedActions.actions[0].value);
      const checklist = await waitFor(fromBot('checklist', mark), 'the checklist');
      expect(checklist.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(checklist.channelData.checklist.no).toBe(12);
      const region = service.knowledge.directory.region();
      expect(checklist.channelData.checklist.office).toBe(region.name);
      expect(checklist.channelData.checklist.officePhones).toEqual(region.phones);
    } finally {
      sub.unsubscribe();
      client.end();
    }
  });
});
