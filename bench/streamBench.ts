import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { buildService } from '../bot/index.js';
import { createLogger } from '../bot/logging/logger.js';
import { percentile } from './stats.js';

type Json = Record<string, any>;
const TURNS = 30;
/** Web Chat's (directlinejs's) default polling interval */
const POLL_MS = 1000;
const QUESTIONS = ['帮助', '谢谢', '怎么办理异地就医备案', '转人工', '重新开始'];

/**
 * Direct Line send → first reply on an idle server (issue 13: under 60 ms median over WebSocket),
 * beside polling as Web Chat does it (a GET every second) in the same run: the time from the POST
 * leaving the client to the first bot activity of that turn arriving at the client.
 */
export async function streamBench(): Promise<string[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-stream-'));
  const service = await buildService(
    { NODE_ENV: 'test', DATA_DIR: dataDir, STAFF_TOKEN: 'bench-staff-token-0123456789', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' },
    createLogger('silent'),
  );
  const server = service.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  service.attach(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/directline`;
  try {
    const ws = await overWebSocket(base);
    const poll = await overPolling(base);
    return [
      `Direct Line send → first reply, idle server, ${TURNS} turns each: ` +
        `WebSocket p50 ${fmt(ws, 50)} ms, p90 ${fmt(ws, 90)} ms, max ${fmt(ws, 100)} ms | ` +
        `polling every ${POLL_MS} ms (Web Chat's default) p50 ${fmt(poll, 50)} ms, p90 ${fmt(poll, 90)} ms, max ${fmt(poll, 100)} ms`,
    ];
  } finally {
    service.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function start(base: string): Promise<{ conversationId: string; token: string; streamUrl: string }> {
  const res = await fetch(`${base}/conversations`, { method: 'POST' });
  return (await res.json()) as { conversationId: string; token: string; streamUrl: string };
}

function send(base: string, conv: { conversationId: string; token: string }, text: string): Promise<Response> {
  return fetch(`${base}/conversations/${conv.conversationId}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${conv.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', from: { id: 'bench' }, text }),
  });
}

const isReply = (a: Json): boolean => a.from?.role === 'bot' && a.type === 'message';

async function overWebSocket(base: string): Promise<number[]> {
  const conv = await start(base);
  const socket = new WebSocket(conv.streamUrl);
  let waiting: ((t: number) => void) | undefined;
  socket.on('message', (data) => {
    const text = data.toString('utf8');
    if (text === '' || !waiting) return;
    if ((JSON.parse(text) as { activities: Json[] }).activities.some(isReply)) waiting(performance.now());
  });
  await new Promise((r) => socket.once('open', r));
  await new Promise((r) => setTimeout(r, 200)); // the welcome has come
  const times: number[] = [];
  for (let i = 0; i < TURNS; i++) {
    const arrived = new Promise<number>((resolve) => (waiting = resolve));
    const sent = performance.now();
    const post = send(base, conv, QUESTIONS[i % QUESTIONS.length]!);
    times.push((await arrived) - sent);
    waiting = undefined;
    await post;
  }
  socket.close();
  return times.sort((a, b) => a - b);
}

async function overPolling(base: string): Promise<number[]> {
  const conv = await start(base);
  let watermark = '';
  const read = async (): Promise<Json[]> => {
    const res = await fetch(`${base}/conversations/${conv.conversationId}/activities?watermark=${watermark}`, {
      headers: { authorization: `Bearer ${conv.token}` },
    });
    const body = (await res.json()) as { activities: Json[]; watermark: string };
    watermark = body.watermark;
    return body.activities;
  };
  await read(); // the welcome
  const times: number[] = [];
  // One poller, as directlinejs runs it, a GET every POLL_MS whatever the sends do.
  let waiting: { sent: number; resolve: (ms: number) => void } | undefined;
  let running = true;
  const poller = (async () => {
    while (running) {
      const got = await read();
      if (waiting && got.some(isReply)) waiting.resolve(performance.now() - waiting.sent);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  for (let i = 0; i < TURNS; i++) {
    // Sends fall anywhere in the poll cycle, as a person's do.
    await new Promise((r) => setTimeout(r, Math.random() * POLL_MS));
    const arrived = new Promise<number>((resolve) => (waiting = { sent: performance.now(), resolve }));
    await send(base, conv, QUESTIONS[i % QUESTIONS.length]!);
    times.push(await arrived);
    waiting = undefined;
  }
  running = false;
  await poller;
  return times.sort((a, b) => a - b);
}

function fmt(sorted: number[], p: number): string {
  return (p === 100 ? (sorted.at(-1) ?? NaN) : percentile(sorted, p)).toFixed(1);
}

if (process.argv[1]?.endsWith('streamBench.ts')) {
  for (const line of await streamBench()) process.stdout.write(`${line}\n`);
}
