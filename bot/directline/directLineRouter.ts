import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { Activity } from 'botbuilder';
import type { Logger } from '../logging/logger.js';
import { maskActivity } from '../privacy/piiMaskingMiddleware.js';
import { clientFaultOf, sendInternalError } from '../server/httpErrors.js';
import { jsonRateLimit } from '../server/rateLimit.js';
import { ActivityTooLargeError } from './activityTooLargeError.js';
import { activityId, type ConversationInfo, type ConversationStore } from './conversationStore.js';
import { ConversationsFullError } from './conversationsFullError.js';
import type { BotLogic } from '../../dialogs/channels.js';
import type { DirectLineAdapter } from './directLineAdapter.js';
import { DirectLineError, type DirectLineErrorCode } from './directLineError.js';
import { describeIssue, IncomingActivity, StartConversation } from './incomingActivity.js';
import { StoredActivityPage } from './storedActivityPage.js';
import { TokenService, type IssuedToken, type TokenClaims } from './tokenService.js';

export interface DirectLineLimits {
  /** largest JSON body accepted, in bytes (default 64 kB) */
  maxBodyBytes?: number;
  /** most activities one GET returns; clients page on with the watermark (default 100) */
  pageSize?: number;
  /**
   * how long a POST waits for the bot's turn before answering anyway (default 15 s,
   * below directlinejs's 20 s request timeout); a slower turn's replies still reach the log
   */
  turnTimeoutMs?: number;
  /**
   * polls (GETs) one conversation may make per second, averaged over 2 s; 0: no limit. Default 5:
   * directlinejs polls one at a time at least 200 ms apart, so a real client never meets it
   * (and it must not: directlinejs stops polling for good after a 429).
   */
  pollsPerSecond?: number;
}

export interface DirectLineRouterDeps {
  adapter: DirectLineAdapter;
  /** the same store the adapter writes to */
  store: ConversationStore;
  tokens: TokenService;
  logic: BotLogic;
  logger: Logger;
  limits?: DirectLineLimits;
  /** a DirectLineStream is attached to the server: answers carry a `streamUrl` (else clients poll) */
  streaming?: boolean;
}

/**
 * Direct Line 3.0 (polling) for our own bot, to mount at `/v3/directline`.
 * Public: anyone may open a conversation; its token then opens only that one.
 * Every error, including body-parser ones, has the Direct Line shape
 * `{ "error": { "code", "message" } }`.
 */
export function createDirectLineRouter({ adapter, store, tokens, logic, logger, limits = {}, streaming = false }: DirectLineRouterDeps): Router {
  const maxBodyBytes = limits.maxBodyBytes ?? 64 * 1024;
  const pageSize = limits.pageSize ?? 100;
  const turnTimeoutMs = limits.turnTimeoutMs ?? 15_000;
  const pollLimit = pollLimiter(limits.pollsPerSecond ?? 5);
  const log = logger.child({ component: 'directline' });
  // Not strict: a JSON string or array is valid JSON, answered by our own validation rather than as a syntax error.
  const json = express.json({ limit: maxBodyBytes, strict: false });
  const router = Router();

  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  /** Runs a turn, but answers the HTTP request after `turnTimeoutMs` at the latest. */
  async function runTurn(activity: Partial<Activity>): Promise<void> {
    const turn = adapter.processActivity(activity, logic);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), turnTimeoutMs);
    });
    try {
      if ((await Promise.race([turn.then(() => 'done' as const), late])) === 'late') {
        log.warn({ conversationId: activity.conversation?.id, type: activity.type, turnTimeoutMs }, 'bot turn is slow; answering before it ends');
        turn.catch((err: unknown) => log.error({ err, conversationId: activity.conversation?.id }, 'slow bot turn failed'));
      }
    } finally {
      clearTimeout(timer);
    }
  }

  async function openConversation(id: string): Promise<ConversationInfo> {
    const conversation = await store.get(id);
    if (!conversation) throw new DirectLineError(404, 'NotFound', 'the conversation does not exist or has expired');
    return conversation;
  }

  /** The token's conversation, after checking the token opens the one in the path. */
  async function authorizedConversation(
    req: Request<{ conversationId: string }>,
  ): Promise<{ conversation: ConversationInfo; token: string; expiresIn: number; userId: string }> {
    const { token, claims, expiresIn } = requireToken(req, tokens);
    if (claims.conversationId !== req.params.conversationId) {
      throw new DirectLineError(403, 'Forbidden', 'the token is not valid for this conversation');
    }
    return { conversation: await openConversation(claims.conversationId), token, expiresIn, userId: claims.userId };
  }

  /** Where a client opens the WebSocket stream, from `watermark` on (the token rides in the URL: browsers cannot set headers on a WebSocket). */
  function withStreamUrl<T extends { conversationId: string; token: string }>(req: Request, issued: T, watermark?: number): T & { streamUrl?: string } {
    const host = req.get('host');
    if (!streaming || !host || !/^[A-Za-z0-9.:[\]-]{1,255}$/.test(host)) return issued;
    const query = new URLSearchParams({ watermark: watermark === undefined ? '' : String(watermark), t: issued.token });
    return {
      ...issued,
      streamUrl: `${req.protocol === 'https' ? 'wss' : 'ws'}://${host}${req.baseUrl}/conversations/${encodeURIComponent(issued.conversationId)}/stream?${query}`,
    };
  }

  router.post('/tokens/generate', async (_req, res) => {
    const conversation = await store.create();
    log.debug({ conversationId: conversation.id }, 'token generated for a new conversation');
    res.json(tokens.issue(conversation.id) satisfies IssuedToken);
  });

  // A token expired less than REFRESH_GRACE_SECONDS ago still renews while its conversation lives: a page back from a long
  // outage resumes its conversation (it refreshes every 15 minutes while connected, so only an outage outlives a token).
  router.post('/tokens/refresh', async (req, res) => {
    const renewed = tokens.refresh(requiredBearerToken(req), REFRESH_GRACE_SECONDS);
    if (!renewed.ok) throw tokenRefusal(renewed.reason);
    await openConversation(renewed.claims.conversationId);
    res.json(renewed.issued satisfies IssuedToken);
  });

  router.post('/conversations', json, async (req, res) => {
    // With a token (from /tokens/generate) this opens the token's conversation; without one, a new conversation.
    const check = bearerToken(req) === undefined ? undefined : requireToken(req, tokens);
    const start = parseStart(req.body);
    let conversation: ConversationInfo;
    let issued: IssuedToken;
    // The user is the token's, never the body's: a client that could name its user could name someone else's.
    let userId: string;
    if (check) {
      conversation = await openConversation(check.claims.conversationId);
      issued = { conversationId: conversation.id, token: check.token, expires_in: check.expiresIn };
      userId = check.claims.userId;
    } else {
      conversation = await store.create();
      userId = TokenService.newUserId();
      issued = tokens.issue(conversation.id, userId);
    }
    if (await store.markStarted(conversation.id)) {
      const user = { id: userId, ...(start.user?.name ? { name: start.user.name } : {}), role: 'user' };
      log.debug({ conversationId: conversation.id }, 'conversation started');
      try {
        const conversationUpdate = {
          type: 'conversationUpdate',
          id: activityId(conversation.id, 0),
          channelId: adapter.channelId,
          serviceUrl: adapter.serviceUrl,
          conversation: { id: conversation.id },
          from: user,
          recipient: { ...adapter.bot },
          membersAdded: [user],
          timestamp: new Date(),
          ...(start.locale ? { locale: start.locale } : {}),
        };
        await runTurn(conversationUpdate as unknown as Partial<Activity>);
      } catch (err) {
        // The conversation works without its welcome; the client must not fail to connect over it.
        log.error({ err, conversationId: conversation.id }, 'the bot failed on conversationUpdate');
      }
    }
    res.status(201).json(withStreamUrl(req, issued));
  });

  /** Reads authorize first, so only the token's holder can spend a conversation's poll budget. */
  const authorizeRead: RequestHandler<{ conversationId: string }> = async (req, res, next) => {
    res.locals.authorized = await authorizedConversation(req);
    next();
  };

  // "Get conversation information" — directlinejs calls it to reconnect (a new streamUrl from its watermark on), or when given a token and a conversationId.
  router.get('/conversations/:conversationId', authorizeRead, pollLimit, (req, res) => {
    const { conversation, token, expiresIn } = res.locals.authorized as Awaited<ReturnType<typeof authorizedConversation>>;
    const watermark = req.query.watermark === undefined || req.query.watermark === '' ? undefined : parseWatermark(req.query.watermark);
    res.json(withStreamUrl(req, { conversationId: conversation.id, token, expires_in: expiresIn }, watermark));
  });

  router.get('/conversations/:conversationId/activities', authorizeRead, pollLimit, async (req, res) => {
    const { conversation } = res.locals.authorized as Awaited<ReturnType<typeof authorizedConversation>>;
    const page = await store.activitiesAfter(conversation.id, parseWatermark(req.query.watermark), pageSize);
    if (!page) throw new DirectLineError(404, 'NotFound', 'the conversation does not exist or has expired');
    // the stored JSON texts joined, not parsed and serialised again (issue 15: ~12 % of a turn's CPU was res.json here)
    res.type('json').send(StoredActivityPage.json(page));
  });

  router.post('/conversations/:conversationId/activities', json, async (req: Request<{ conversationId: string }>, res) => {
    const { conversation, userId } = await authorizedConversation(req);
    // Masked before it is stored in the conversation's log, not only before the bot sees it.
    const body = maskActivity(parseActivity(req.body));
    const now = new Date();
    const stored = await store.append(conversation.id, {
      ...body,
      // Replaced by the token's user, as Web Chat and directlinejs send anyway: a forged from.id
      // would otherwise read another person's remembered profile (user state is keyed by from.id).
      from: { ...body.from, id: userId, role: 'user' },
      channelId: adapter.channelId,
      serviceUrl: adapter.serviceUrl,
      conversation: { id: conversation.id },
      recipient: { ...adapter.bot },
      timestamp: now.toISOString(),
    });
    if (!stored) throw new DirectLineError(404, 'NotFound', 'the conversation does not exist or has expired');
    try {
      await runTurn({ ...(stored as unknown as Partial<Activity>), timestamp: now });
    } catch (err) {
      log.error({ err, conversationId: conversation.id, activityId: stored.id, type: stored.type }, 'the bot failed to process an activity');
      throw new DirectLineError(502, 'BotError', 'the bot failed to process the activity');
    }
    res.json({ id: stored.id });
  });

  router.post('/conversations/:conversationId/upload', (_req, _res) => {
    throw new DirectLineError(400, 'BadArgument', 'this bot does not accept file uploads');
  });

  router.use(((req, _res) => {
    throw new DirectLineError(404, 'NotFound', `no such Direct Line operation: ${req.method} ${req.path}`);
  }) satisfies RequestHandler);

  router.use(directLineErrorHandler(log));
  return router;
}

/** How long after it expired a token may still be renewed (no longer than an idle conversation lives: DIRECTLINE_IDLE_MINUTES' default). */
export const REFRESH_GRACE_SECONDS = 30 * 60;

/** Per conversation (the path's, already checked against the token), 2-second windows. */
function pollLimiter(perSecond: number): RequestHandler {
  if (perSecond <= 0) return (_req, _res, next) => next();
  return jsonRateLimit({
    windowMs: 2000,
    limit: Math.max(1, Math.round(perSecond * 2)),
    code: 'Throttled',
    message: `too many polls: at most ${perSecond} a second for one conversation`,
    keyGenerator: (req) => `dl-poll:${String(req.params.conversationId)}`,
  });
}

function sendError(res: Response, status: number, code: DirectLineErrorCode, message: string): void {
  if (status === 401) res.set('WWW-Authenticate', 'Bearer');
  res.status(status).json({ error: { code, message } });
}

/** Client mistakes keep their 4xx; anything else is logged and hidden behind a 500 ServiceError. */
function directLineErrorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof DirectLineError) {
      sendError(res, err.status, err.code, err.message);
      return;
    }
    if (err instanceof ConversationsFullError) {
      res.set('Retry-After', String(err.retryAfterSeconds));
      sendError(res, 429, 'Throttled', err.message);
      return;
    }
    if (err instanceof ActivityTooLargeError) {
      sendError(res, 413, 'MessageSizeTooBig', err.message);
      return;
    }
    const fault = clientFaultOf(err);
    if (fault) {
      switch (fault.kind) {
        case 'bad_json':
          sendError(res, 400, 'BadSyntax', 'the request body is not valid JSON');
          return;
        case 'too_large':
          sendError(res, 413, 'MessageSizeTooBig', 'the request body is too large');
          return;
        case 'encoding':
          sendError(res, 415, 'UnsupportedMediaType', fault.message ?? 'unsupported encoding');
          return;
        default:
          sendError(res, fault.status, 'BadArgument', fault.exposed && fault.message !== undefined ? fault.message : 'bad request');
          return;
      }
    }
    sendInternalError(res, log, err, { method: req.method, path: req.path }, 'unhandled Direct Line error', 'ServiceError');
  };
}

/**
 * The bearer token, or undefined when there is none. directlinejs started without
 * a token sends the literal "Bearer undefined", so that counts as none too.
 */
function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer(?:\s+(\S*))?\s*$/i.exec(header.trim());
  if (!match) throw new DirectLineError(401, 'Unauthorized', 'the Authorization header must be "Bearer <token>"');
  const token = match[1] ?? '';
  return token === '' || token === 'undefined' || token === 'null' ? undefined : token;
}

function requiredBearerToken(req: Request): string {
  const token = bearerToken(req);
  if (token === undefined) throw new DirectLineError(401, 'Unauthorized', 'a token is required: Authorization: Bearer <token>');
  return token;
}

function requireToken(req: Request, tokens: TokenService): { token: string; claims: TokenClaims; expiresIn: number } {
  const token = requiredBearerToken(req);
  const check = tokens.verify(token);
  if (check.ok) return { token, claims: check.claims, expiresIn: check.expiresIn };
  throw tokenRefusal(check.reason);
}

/**
 * As the Direct Line service does: an expired token is 403 TokenExpired, which directlinejs
 * treats as "expired" (connection status ExpiredToken) rather than as a dead conversation.
 */
function tokenRefusal(reason: 'malformed' | 'signature' | 'expired'): DirectLineError {
  if (reason === 'expired') return new DirectLineError(403, 'TokenExpired', 'the token has expired');
  return new DirectLineError(401, 'Unauthorized', 'the token is not valid');
}

function parseWatermark(raw: unknown): number {
  if (raw === undefined || raw === '') return 0;
  if (typeof raw === 'string' && /^\d{1,15}$/.test(raw)) return Number(raw);
  throw new DirectLineError(400, 'BadArgument', 'watermark must be a whole number as returned by a previous GET');
}

function parseActivity(body: unknown): IncomingActivity {
  if (body === undefined) throw new DirectLineError(400, 'BadArgument', 'the body must be a JSON activity (Content-Type: application/json)');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new DirectLineError(400, 'BadArgument', 'the body must be one activity object');
  const parsed = IncomingActivity.safeParse(body);
  if (!parsed.success) throw new DirectLineError(400, 'BadArgument', describeIssue(parsed.error));
  return parsed.data;
}

function parseStart(body: unknown): StartConversation {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new DirectLineError(400, 'BadArgument', 'the body must be an object');
  const parsed = StartConversation.safeParse(body);
  if (!parsed.success) throw new DirectLineError(400, 'BadArgument', describeIssue(parsed.error));
  return parsed.data;
}
