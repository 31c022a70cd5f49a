import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../logging/logger.js';
import type { ConversationStore } from './conversationStore.js';
import { DirectLineError } from './directLineError.js';
import { StoredActivityPage } from './storedActivityPage.js';
import type { TokenService } from './tokenService.js';

export interface DirectLineStreamOptions {
  store: ConversationStore;
  tokens: TokenService;
  logger: Logger;
  /** the router's mount point (default /v3/directline) */
  basePath?: string;
  /** sockets held at once by this instance; beyond it an upgrade gets 503 (default 10,000) */
  maxSockets?: number;
  /** sockets of one conversation; a new one beyond it closes that conversation's oldest (default 3) */
  maxSocketsPerConversation?: number;
  /** an empty message this often, so proxies keep the socket and clients notice a dead one (default 15 s) */
  keepAliveMs?: number;
  /** most activities in one ActivitySet frame (default 100, as a GET page) */
  pageSize?: number;
}

/** Close codes: 1012 Service Restart on shutdown (directlinejs reconnects, through any instance), 1008 for a replaced socket. */
export const CLOSE_SERVICE_RESTART = 1012;
const CLOSE_REPLACED = 1008;
const CLOSE_GONE = 1000;
/** What a client may send us: directlinejs sends "" as a ping; nothing else is read. */
const MAX_CLIENT_MESSAGE_BYTES = 1024;
/** A socket this far behind on sending is dropped (its client reconnects from its watermark). */
const MAX_BUFFERED_BYTES = 1024 * 1024;

interface Subscriber {
  socket: WebSocket;
  conversationId: string;
  watermark: number;
  /** a read is running; `again` asks it to read once more when it ends */
  reading: boolean;
  again: boolean;
  unwatch: () => void;
}

/**
 * Direct Line 3.0 WebSocket streaming: `GET <base>/conversations/{id}/stream?watermark=W&t=<token>`
 * upgrades to a socket that sends ActivitySet frames `{"activities":[…],"watermark":"N"}` of what
 * the conversation's log holds after W, as it grows, and an empty message every `keepAliveMs`.
 * Growth is learnt from the store's doorbell (`watch`), so a socket held by this instance hears
 * what was posted on any other; each socket then reads from its own watermark, so nothing is
 * sent twice or skipped. Attach it to the HTTP server that serves the router (`attach`).
 */
export class DirectLineStream {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  private readonly subscribers = new Set<Subscriber>();
  private readonly pattern: RegExp;
  private readonly maxSockets: number;
  private readonly maxPerConversation: number;
  private readonly pageSize: number;
  private readonly log: Logger;
  private readonly keepAlive: NodeJS.Timeout;
  private closing = false;
  private readonly servers = new WeakSet<Server>();

  constructor(private readonly options: DirectLineStreamOptions) {
    const base = (options.basePath ?? '/v3/directline').replace(/\/$/, '');
    this.pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/conversations/([A-Za-z0-9_-]{1,128})/stream$`);
    this.maxSockets = options.maxSockets ?? 10_000;
    this.maxPerConversation = options.maxSocketsPerConversation ?? 3;
    this.pageSize = options.pageSize ?? 100;
    this.log = options.logger.child({ component: 'directline-stream' });
    this.keepAlive = setInterval(() => this.tick(), options.keepAliveMs ?? 15_000);
    this.keepAlive.unref();
  }

  /** Sockets open now. */
  get size(): number {
    return this.subscribers.size;
  }

  /** Handles the stream's upgrade requests on `server`; other upgrade paths get 404. */
  attach(server: Server): void {
    if (this.servers.has(server)) return;
    this.servers.add(server);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head).catch((err: unknown) => {
        this.log.error({ err }, 'WebSocket upgrade failed');
        refuse(socket, new DirectLineError(500, 'ServiceError', 'internal error'));
      });
    });
  }

  /**
   * Closes every socket with 1012 (Service Restart): clients reconnect through
   * `GET conversations/{id}?watermark=`, to whichever instance answers. New upgrades get 503.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.keepAlive);
    for (const s of [...this.subscribers]) this.drop(s, CLOSE_SERVICE_RESTART, 'service restart');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = this.pattern.exec(url.pathname);
    if (!match) return refuse(socket, new DirectLineError(404, 'NotFound', 'no WebSocket here'));
    if (this.closing) return refuse(socket, new DirectLineError(503, 'ServiceError', 'the service is restarting'), { 'Retry-After': '5' });
    const conversationId = match[1]!;
    const token = url.searchParams.get('t') ?? /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return refuse(socket, new DirectLineError(401, 'Unauthorized', 'a token is required: ?t=<token> or Authorization: Bearer <token>'));
    const check = this.options.tokens.verify(token);
    if (!check.ok) {
      return refuse(
        socket,
        check.reason === 'expired'
          ? new DirectLineError(403, 'TokenExpired', 'the token has expired')
          : new DirectLineError(401, 'Unauthorized', 'the token is not valid'),
      );
    }
    if (check.claims.conversationId !== conversationId)
      return refuse(socket, new DirectLineError(403, 'Forbidden', 'the token is not valid for this conversation'));
    const rawWatermark = url.searchParams.get('watermark') ?? '';
    if (rawWatermark !== '' && !/^\d{1,15}$/.test(rawWatermark))
      return refuse(socket, new DirectLineError(400, 'BadArgument', 'watermark must be a whole number'));
    if (this.subscribers.size >= this.maxSockets) {
      return refuse(socket, new DirectLineError(503, 'Throttled', `this instance holds its maximum of ${this.maxSockets} streams`), { 'Retry-After': '5' });
    }
    if (!(await this.options.store.get(conversationId)))
      return refuse(socket, new DirectLineError(404, 'NotFound', 'the conversation does not exist or has expired'));

    const ws = await new Promise<WebSocket>((resolve) => this.wss.handleUpgrade(req, socket, head, resolve));
    const subscriber: Subscriber = { socket: ws, conversationId, watermark: Number(rawWatermark || 0), reading: false, again: false, unwatch: () => undefined };
    this.subscribers.add(subscriber);
    this.limitConversation(conversationId, subscriber);
    ws.on('close', () => this.forget(subscriber));
    ws.on('error', (err) => {
      this.log.debug({ err, conversationId }, 'stream socket error');
      this.forget(subscriber);
    });
    ws.on('message', () => undefined); // directlinejs's "" pings: nothing to answer
    try {
      subscriber.unwatch = await this.options.store.watch(conversationId, () => this.pump(subscriber));
    } catch (err) {
      // No doorbell (Redis away): the client reconnects later rather than waiting on a socket that hears nothing.
      this.log.warn({ err, conversationId }, 'stream cannot watch its conversation; closing it');
      this.drop(subscriber, 1013, 'try again later');
      return;
    }
    if (!this.subscribers.has(subscriber)) subscriber.unwatch(); // closed while we subscribed
    this.pump(subscriber);
  }

  /** Beyond the per-conversation bound the oldest socket goes: it is most likely one a network change left behind. */
  private limitConversation(conversationId: string, newest: Subscriber): void {
    const mine = [...this.subscribers].filter((s) => s.conversationId === conversationId && s !== newest);
    while (mine.length >= this.maxPerConversation) this.drop(mine.shift()!, CLOSE_REPLACED, 'replaced by a newer stream');
  }

  /** Sends what the log holds after the socket's watermark, a page a frame; one read at a time per socket. */
  private pump(s: Subscriber): void {
    if (s.reading) {
      s.again = true;
      return;
    }
    s.reading = true;
    void this.read(s).finally(() => {
      s.reading = false;
      if (s.again && this.subscribers.has(s)) {
        s.again = false;
        this.pump(s);
      }
    });
  }

  private async read(s: Subscriber): Promise<void> {
    try {
      for (let pages = 0; pages < 100 && this.subscribers.has(s); pages++) {
        const page = await this.options.store.activitiesAfter(s.conversationId, s.watermark, this.pageSize);
        if (!page) {
          this.drop(s, CLOSE_GONE, 'the conversation has ended');
          return;
        }
        if (page.activities.length === 0) return;
        s.watermark = page.watermark;
        if (s.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          this.drop(s, CLOSE_REPLACED, 'the client is not reading');
          return;
        }
        s.socket.send(StoredActivityPage.json(page));
      }
    } catch (err) {
      // The store failed (Redis away): the client reconnects from the watermark it has.
      this.log.warn({ err, conversationId: s.conversationId }, 'stream read failed; closing it');
      this.drop(s, 1011, 'read failed');
    }
  }

  /**
   * Keep-alive for every socket, and nothing else: it touches no store (a read per socket per tick was ~670 Redis reads a
   * second at 10,000 sockets). A doorbell missed while Redis reconnected is rung by the store once it is back (`watch`),
   * and the conversation stays alive through the token refreshes its client makes every 15 minutes.
   */
  private tick(): void {
    for (const s of this.subscribers) if (s.socket.readyState === s.socket.OPEN) s.socket.send('');
  }

  private drop(s: Subscriber, code: number, reason: string): void {
    this.forget(s);
    if (s.socket.readyState === s.socket.OPEN || s.socket.readyState === s.socket.CONNECTING) s.socket.close(code, reason);
  }

  private forget(s: Subscriber): void {
    if (!this.subscribers.delete(s)) return;
    s.unwatch();
  }
}

/** Answers an upgrade we will not take with the Direct Line error JSON, and closes the connection. */
function refuse(socket: Duplex, refusal: DirectLineError, headers: Record<string, string> = {}): void {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
  const lines = [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ...(refusal.status === 401 ? ['WWW-Authenticate: Bearer'] : []),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
