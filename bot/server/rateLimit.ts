import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type ClientRateLimitInfo, type Options, type Store } from 'express-rate-limit';
import { sendError } from './httpErrors.js';

export interface ClientRateLimits {
  /** POST /api/messages, /api/search, /api/offices, Direct Line writes and the pages' token and QR endpoints share one budget per client address */
  chat: RequestHandler;
  /**
   * /wechat, after the signature is verified: every request comes from WeChat's servers, so the
   * budget is per WeChat user (openid); counting before verification would let a forger spend a
   * real user's budget by naming their openid.
   */
  wechat: RequestHandler;
  /** /wechat, before verification: only refused requests count, per address, so forgers are slowed and WeChat never is */
  wechatRefused: RequestHandler;
}

const WINDOW_MS = 60_000;

/**
 * Where a limiter keeps its counts, by the limiter's name: absent, each process counts in memory
 * (one instance); with REDIS_URL, one Redis store per limiter, so every instance spends one budget.
 */
export type RateLimitStores = (name: string) => Store;

/**
 * Per-client limits on the endpoints anyone on the internet can call, `perMinute` requests per
 * minute (0: off, for load tests). The client is `req.ip`, which is the X-Forwarded-For hop that
 * TRUST_PROXY says to trust, so behind a reverse proxy each visitor has their own budget.
 * Direct Line GETs are not counted: Web Chat polls about once a second while a conversation is
 * open, and a poll only reads the caller's own conversation.
 */
export function clientRateLimits(perMinute: number, stores?: RateLimitStores): ClientRateLimits {
  if (perMinute <= 0) {
    const off: RequestHandler = (_req, _res, next) => next();
    return { chat: off, wechat: off, wechatRefused: off };
  }
  const common = {
    windowMs: WINDOW_MS,
    limit: perMinute,
    message: `too many requests: at most ${perMinute} a minute from one client; try again shortly`,
  };
  return {
    chat: jsonRateLimit({
      ...common,
      store: stores?.('chat'),
      skip: (req) => req.method === 'GET' && req.baseUrl.startsWith('/v3/directline'),
    }),
    wechat: jsonRateLimit({
      ...common,
      store: stores?.('wechat'),
      keyGenerator: (req) => {
        const openid = req.query.openid;
        return typeof openid === 'string' && /^[\w-]{1,64}$/.test(openid) ? `wx:${openid}` : ipKeyGenerator(req.ip ?? 'unknown');
      },
    }),
    wechatRefused: refusalLimit({
      ...common,
      store: stores?.('wechat-refused'),
      keyGenerator: (req) => `wx-refused:${ipKeyGenerator(req.ip ?? 'unknown')}`,
    }),
  };
}

export interface JsonRateLimitOptions {
  windowMs: number;
  limit: number;
  /** what the 429 says */
  message: string;
  /** the client; its address by default */
  keyGenerator?: (req: Request) => string;
  skip?: (req: Request) => boolean;
  /** count only refused requests (4xx/5xx answers) */
  skipSuccessfulRequests?: boolean;
  /** called when a request is refused, e.g. to log it */
  onLimit?: (req: Request) => void;
  /** the error code of the 429 body; `too_many_requests` by default (Direct Line says `Throttled`) */
  code?: string;
  /** where the counts live; this process's memory by default */
  store?: Store;
}

/**
 * express-rate-limit answering 429 with the API's JSON error shape and a Retry-After. The
 * library's own configuration checks are off: they only print to the console, and TRUST_PROXY
 * is checked at start-up.
 */
export function jsonRateLimit({
  windowMs,
  message,
  onLimit,
  code = 'too_many_requests',
  keyGenerator = (req) => ipKeyGenerator(req.ip ?? 'unknown'),
  store,
  ...rest
}: JsonRateLimitOptions): RequestHandler {
  return rateLimit({
    ...rest,
    // Shared counts: while Redis is away the request passes uncounted (the per-process CPU budget still holds);
    // the routes that need Redis answer 503 themselves, and search keeps working.
    ...(store ? { store, passOnStoreError: true } : {}),
    windowMs,
    keyGenerator,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    validate: false,
    handler: (req, res) => {
      onLimit?.(req);
      res.set('Retry-After', String(Math.ceil(windowMs / 1000)));
      sendError(res, 429, code, message);
    },
  });
}

/**
 * Refuses a client once `limit` of its requests in the window were answered with an error, and
 * counts a request only when its error answer is sent. Not express-rate-limit's
 * skipSuccessfulRequests: that counts every request on arrival and takes it back on success, so a
 * burst of good requests in flight (WeChat's servers send many users' messages from a few addresses)
 * was refused though none had failed. Staff login keeps the library's way on purpose: there,
 * guesses in flight must count.
 */
export function refusalLimit({
  windowMs,
  limit,
  message,
  keyGenerator,
  store = new MemoryStore(),
}: Pick<JsonRateLimitOptions, 'windowMs' | 'limit' | 'message' | 'store'> & { keyGenerator: (req: Request) => string }): RequestHandler {
  // The stores read only windowMs (and the Redis one its prefix, given at construction).
  void Promise.resolve(store.init?.({ windowMs } as Options));
  return (req, res, next) => {
    const key = keyGenerator(req);
    const counted = (info: ClientRateLimitInfo | undefined): void => {
      if (info && info.totalHits >= limit) {
        const waitMs = info.resetTime ? info.resetTime.getTime() - Date.now() : windowMs;
        res.set('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
        sendError(res, 429, 'too_many_requests', message);
        return;
      }
      res.on('finish', () => {
        // Redis away: the refusal goes uncounted, as jsonRateLimit's passOnStoreError does.
        if (res.statusCode >= 400) Promise.resolve(store.increment(key)).catch(() => undefined);
      });
      next();
    };
    // A store without get (none of ours) or one that is away lets the request through uncounted.
    Promise.resolve(store.get?.(key)).then(counted, () => counted(undefined));
  };
}
