import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { buildService, type Service } from '../../bot/index.js';
import { createLogger } from '../../bot/logging/logger.js';

export const STAFF_TOKEN = 'staff-token-for-tests-0123456789';

export interface LiveService {
  base: string;
  dataDir: string;
  service: Service;
  server: Server;
  /** every log line written so far */
  logText(): string;
  close(): Promise<void>;
}

/** The whole service (buildService) on 127.0.0.1 with a fresh DATA_DIR and its logs captured. */
export async function startLiveService(env: Record<string, string> = {}, logLevel = 'debug'): Promise<LiveService> {
  const dataDir = env.DATA_DIR ?? (await mkdtemp(path.join(tmpdir(), 'yibao-live-')));
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const service = await buildService(
    { NODE_ENV: 'test', DATA_DIR: dataDir, STAFF_TOKEN, RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: logLevel, ...env },
    createLogger(logLevel, sink),
  );
  const server = service.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  service.attach(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    dataDir,
    service,
    server,
    logText: () => lines.join(''),
    close: async () => {
      service.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (!env.DATA_DIR) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface DlConversation {
  id: string;
  token: string;
  watermark: string;
}

/** A Direct Line 3.0 client over real HTTP, enough for tests: open, send, read the replies of a turn. */
export class DirectLineTestClient {
  constructor(readonly base: string) {}

  async open(): Promise<DlConversation> {
    const res = await fetch(`${this.base}/v3/directline/conversations`, { method: 'POST' });
    if (res.status !== 201) throw new Error(`open: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { conversationId: string; token: string };
    const conv = { id: body.conversationId, token: body.token, watermark: '' };
    await this.replies(conv);
    return conv;
  }

  /** Sends a message (text or a whole activity) and returns the bot's replies to it. */
  async say(conv: DlConversation, message: string | Record<string, unknown>): Promise<Array<Record<string, any>>> {
    const res = await this.post(conv, message);
    if (res.status !== 200) throw new Error(`say: ${res.status} ${await res.text()}`);
    return this.replies(conv);
  }

  post(conv: DlConversation, message: string | Record<string, unknown>): Promise<Response> {
    const activity =
      typeof message === 'string' ? { type: 'message', text: message, from: { id: 'tester' } } : { type: 'message', from: { id: 'tester' }, ...message };
    return fetch(`${this.base}/v3/directline/conversations/${conv.id}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${conv.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
  }

  async replies(conv: DlConversation): Promise<Array<Record<string, any>>> {
    const res = await fetch(`${this.base}/v3/directline/conversations/${conv.id}/activities?watermark=${conv.watermark}`, {
      headers: { authorization: `Bearer ${conv.token}` },
    });
    const body = (await res.json()) as { activities: Array<Record<string, any>>; watermark: string };
    conv.watermark = body.watermark;
    return body.activities.filter((a) => a.from?.role !== 'user');
  }
}

export const messageKeys = (activities: Array<Record<string, any>>): string[] => activities.map((a) => a.channelData?.messageKey).filter(Boolean);

/** Signs in as staff and returns the Cookie header value. */
export async function staffCookie(base: string): Promise<string> {
  const res = await fetch(`${base}/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: STAFF_TOKEN }),
  });
  if (res.status !== 200) throw new Error(`sign-in: ${res.status}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}
