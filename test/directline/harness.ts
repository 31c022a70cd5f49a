import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { MemoryConversationStore, type MemoryConversationStoreOptions } from '../../bot/directline/conversationStore.js';
import { DirectLineAdapter } from '../../bot/directline/directLineAdapter.js';
import { createDirectLineRouter, type DirectLineLimits } from '../../bot/directline/directLineRouter.js';
import { DirectLineStream, type DirectLineStreamOptions } from '../../bot/directline/directLineStream.js';
import { TokenService } from '../../bot/directline/tokenService.js';
import { createLogger } from '../../bot/logging/logger.js';

export const SECRET = 'test-secret-test-secret-test-secret-0123456789';

/** Turns whose text is 'held' wait here until a test opens it: a slow bot with no clock in the test. */
export const heldTurns = {
  waiting: 0,
  open: () => {},
  gate: Promise.resolve(),
  close(): void {
    this.gate = new Promise<void>((r) => {
      this.open = r;
    });
  },
};

/** A tiny echo bot: welcome on members added, "echo: …" for messages, a few commands for failure paths. */
export async function echoLogic(context: TurnContext): Promise<void> {
  const a = context.activity;
  if (a.type === ActivityTypes.ConversationUpdate) {
    for (const member of a.membersAdded ?? []) {
      if (member.id !== a.recipient.id) await context.sendActivity(`welcome ${member.id}`);
    }
    return;
  }
  if (a.type === ActivityTypes.Event) {
    await context.sendActivity({ type: ActivityTypes.Event, name: 'pong', value: a.value });
    return;
  }
  if (a.type !== ActivityTypes.Message) return;
  if (a.text === 'boom') throw new Error('the bot broke');
  if (a.text === 'held') {
    heldTurns.waiting++;
    await heldTurns.gate;
    heldTurns.waiting--;
  }
  if (a.text === 'two') {
    await context.sendActivities([{ type: 'message', text: 'one' }, { type: 'typing' }, { type: 'message', text: 'two' }]);
    return;
  }
  await context.sendActivity(`echo: ${a.text ?? ''}`);
}

export interface Harness {
  base: string;
  url: string;
  server: Server;
  store: MemoryConversationStore;
  tokens: TokenService;
  adapter: DirectLineAdapter;
  /** WebSocket streaming, when asked for */
  stream: DirectLineStream | undefined;
  /** moves the token service's clock */
  clock: { offsetMs: number };
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    limits?: DirectLineLimits;
    store?: MemoryConversationStoreOptions;
    onTurnError?: boolean;
    stream?: Pick<DirectLineStreamOptions, 'keepAliveMs' | 'maxSockets' | 'maxSocketsPerConversation'>;
  } = {},
): Promise<Harness> {
  const clock = { offsetMs: 0 };
  const store = new MemoryConversationStore(options.store);
  const tokens = new TokenService({ secret: SECRET, now: () => Date.now() + clock.offsetMs });
  const adapter = new DirectLineAdapter({ store, bot: { id: 'yibao-bot', name: '医保助手' } });
  if (options.onTurnError) {
    adapter.onTurnError = async (context, _error) => {
      await context.sendActivity('sorry, something went wrong');
    };
  }
  const app = express();
  app.set('query parser', 'simple');
  app.use(
    '/v3/directline',
    createDirectLineRouter({
      adapter,
      store,
      tokens,
      logic: echoLogic,
      logger: createLogger('silent'),
      limits: options.limits,
      streaming: options.stream !== undefined,
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const stream = options.stream ? new DirectLineStream({ store, tokens, logger: createLogger('silent'), ...options.stream }) : undefined;
  stream?.attach(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    url: `${base}/v3/directline`,
    server,
    store,
    tokens,
    adapter,
    stream,
    clock,
    close: async () => {
      await stream?.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

export interface JsonResponse {
  status: number;
  body: any;
  headers: Headers;
}

export async function call(
  h: Harness,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; contentType?: string; authorization?: string } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(h.url + path, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Opens a conversation the way Web Chat does: generate a token, then start with it. */
export async function openConversation(h: Harness): Promise<{ conversationId: string; token: string }> {
  const generated = await call(h, 'POST', '/tokens/generate');
  const started = await call(h, 'POST', '/conversations', { token: generated.body.token });
  if (started.status !== 201) throw new Error(`start failed: ${started.status} ${JSON.stringify(started.body)}`);
  return { conversationId: started.body.conversationId, token: started.body.token };
}

export function message(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'message', from: { id: 'user1', name: '卓玛' }, text, ...extra };
}

/** The user a Direct Line token names (its `user` claim), as Web Chat reads it. */
export function tokenUser(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { user: string }).user;
}
