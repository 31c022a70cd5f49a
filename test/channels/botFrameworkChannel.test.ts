import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService, type Service } from '../../bot/index.js';
import { createLogger } from '../../bot/logging/logger.js';

/**
 * POST /api/messages over real HTTP, anonymous as the Bot Framework Emulator
 * connects. Replies go back to the activity's serviceUrl, here a small local
 * connector that records them.
 */
let service: Service;
let bot: Server;
let connector: Server;
let botUrl: string;
let serviceUrl: string;
const received: { conversation: string; activity: Record<string, any> }[] = [];

async function listen(app: express.Express): Promise<[Server, string]> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bf-'));
  service = await buildService({ NODE_ENV: 'test', DATA_DIR: dataDir }, createLogger('silent'));
  [bot, botUrl] = await listen(service.app);
  const fake = express();
  fake.use(express.json());
  fake.post('/v3/conversations/:id/activities{/:replyTo}', (req, res) => {
    received.push({ conversation: req.params.id, activity: req.body });
    res.json({ id: `r${received.length}` });
  });
  [connector, serviceUrl] = await listen(fake);
});
afterAll(async () => {
  service.close();
  await new Promise((r) => bot.close(r));
  await new Promise((r) => connector.close(r));
});

let seq = 0;
async function send(conversation: string, text: string): Promise<Record<string, any>[]> {
  const before = received.length;
  const res = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `m${++seq}`,
      text,
      channelId: 'emulator',
      serviceUrl,
      from: { id: 'user-1', name: 'user' },
      recipient: { id: 'bot', name: 'bot' },
      conversation: { id: conversation },
      locale: 'zh-CN',
    }),
  });
  expect(res.status).toBeLessThan(300);
  // The Emulator channel also gets the SDK's trace activities; people see the messages.
  return received
    .slice(before)
    .filter((r) => r.conversation === conversation && r.activity.type === 'message')
    .map((r) => r.activity);
}

describe('POST /api/messages (CloudAdapter, anonymous)', () => {
  it('answers a conversation turn by turn through the connector', async () => {
    const first = await send('conv-a', '我要办理异地安置退休人员备案');
    expect(first.map((a) => a.channelData?.messageKey)).toEqual(['matterStart', 'question']);
    await send('conv-a', '新办备案');
    const last = await send('conv-a', '本人办理');
    const card = last.find((a) => a.channelData?.messageKey === 'checklist');
    expect(card?.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card?.channelData.checklist.office).toBe(service.knowledge.directory.region().name);
  });

  it('keeps conversations apart', async () => {
    await send('conv-b', '我要办理异地安置退休人员备案');
    const other = await send('conv-c', '公积金怎么提取');
    // conv-c answers as a conversation that never saw conv-b's matter does.
    const fresh = await send('conv-d', '公积金怎么提取');
    expect(other.map((a) => a.channelData?.messageKey)).toEqual(fresh.map((a) => a.channelData?.messageKey));
  });

  it.each([
    ['malformed JSON', '{"type": "message", ', 400],
    ['an oversized body', JSON.stringify({ type: 'message', text: 'x'.repeat(300_000) }), 413],
  ])('refuses %s with a 4xx and stays up', async (_label, body, status) => {
    const res = await fetch(`${botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(status);
    expect((await res.json()).error.message).toMatch(/JSON|too large/);
    expect((await fetch(`${botUrl}/healthz`)).status).toBe(200);
  });
});
