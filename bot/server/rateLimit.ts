import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
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
 * Per-client limits on the endpoints anyone on the internet can call, `perMinute` requests per
 * minute (0: off, for load tests). The client is `req.ip`, which is the X-Forwarded-For hop that
 * TRUST_PROXY says to trust, so behind a reverse proxy each visitor has their own budget.
 * Direct Line GETs are not counted: Web Chat polls about once a second while a conversation is
 * open, and a poll only reads the caller's own conversation.
 */
export function clientRateLimits(perMinute: number): ClientRateLimits {
  if (perMinute <= 0) {
    const off: RequestHandler = (_req, _res, next) => next();
    return { chat: off, wechat: off, wechatRefused: off };
  }
  const common = {
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-7' as const,
    legacyHeaders: false,
    // Our own configuration is checked at start-up (TRUST_PROXY); the library's checks would only print to the console.
    validate: false,
    handler: (_req: Request, res: Parameters<RequestHandler>[1]) => {
      res.set('Retry-After', String(Math.ceil(WINDOW_MS / 1000)));
      sendError(res, 429, 'too_many_requests', `too many requests: at most ${perMinute} a minute from one client; try again shortly`);
    },
  };
  return {
    chat: rateLimit({
      ...common,
      skip: (req) => req.method === 'GET' && req.baseUrl.startsWith('/v3/directline'),
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    }),
    wechat: rateLimit({
      ...common,
      keyGenerator: (req) => {
        const openid = req.query.openid;
        return typeof openid === 'string' && /^[\w-]{1,64}$/.test(openid) ? `wx:${openid}` : ipKeyGenerator(req.ip ?? 'unknown');
      },
    }),
    wechatRefused: rateLimit({
      ...common,
      skipSuccessfulRequests: true,
      keyGenerator: (req) => `wx-refused:${ipKeyGenerator(req.ip ?? 'unknown')}`,
    }),
  };
}
