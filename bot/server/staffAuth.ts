import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../logging/logger.js';
import { sendError } from './httpErrors.js';
import { jsonRateLimit } from './rateLimit.js';

export const STAFF_COOKIE = 'staff_session';
/** where pages send a visitor who is not signed in */
export const SIGN_IN_PATH = '/agent/signin';

export interface StaffAuthOptions {
  /** the shared staff token (STAFF_TOKEN), at least 16 characters */
  token: string;
  logger: Logger;
  /** how long a sign-in lasts (default 12 hours: one working shift and some) */
  sessionSeconds?: number;
  /** failed sign-ins allowed per client address in `failureWindowMs` before 429 (default 10 in 15 minutes) */
  maxFailures?: number;
  failureWindowMs?: number;
  /** milliseconds since the epoch; injectable for tests */
  now?: () => number;
}

/**
 * Staff sign-in for the agent console (and, later, logs and the review queue).
 * The session is a cookie holding its expiry signed with an HMAC keyed by the staff
 * token, so no session store is needed and changing STAFF_TOKEN signs everyone out.
 */
export class StaffAuth {
  private readonly key: Buffer;
  private readonly tokenDigest: Buffer;
  private readonly sessionSeconds: number;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly maxFailures: number;
  private readonly failureWindowMs: number;

  constructor({ token, logger, sessionSeconds = 12 * 3600, maxFailures = 10, failureWindowMs = 15 * 60_000, now = Date.now }: StaffAuthOptions) {
    this.key = createHmac('sha256', token).update('staff-session-v1').digest();
    this.tokenDigest = digest(token);
    this.sessionSeconds = sessionSeconds;
    this.maxFailures = maxFailures;
    this.failureWindowMs = failureWindowMs;
    this.now = now;
    this.log = logger.child({ component: 'staffAuth' });
  }

  /** Constant-time: both sides are hashed to the same length first. */
  checkToken(given: string): boolean {
    return timingSafeEqual(digest(given), this.tokenDigest);
  }

  /** A signed session value: `<expiry seconds>.<nonce>.<hmac>`. */
  issueSession(): { value: string; maxAgeMs: number } {
    const exp = Math.floor(this.now() / 1000) + this.sessionSeconds;
    const body = `${exp}.${randomBytes(9).toString('base64url')}`;
    return { value: `${body}.${this.sign(body)}`, maxAgeMs: this.sessionSeconds * 1000 };
  }

  /** Seconds the request's session has left, or undefined when it has none or a bad or expired one. */
  sessionOf(req: Request): number | undefined {
    const value = readCookie(req.get('cookie'), STAFF_COOKIE);
    if (!value) return undefined;
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!match) return undefined;
    const given = Buffer.from(match[3]!, 'base64url');
    const expected = Buffer.from(this.sign(`${match[1]}.${match[2]}`), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const left = Number(match[1]) - Math.floor(this.now() / 1000);
    return left > 0 ? left : undefined;
  }

  /**
   * Guards staff-only routes: API calls (under /api/ or asking for JSON) get
   * 401 JSON; pages get a redirect to the sign-in page, which comes back afterwards.
   */
  readonly requireStaff: RequestHandler = (req, res, next) => {
    if (this.sessionOf(req) !== undefined) {
      next();
      return;
    }
    if (wantsJson(req)) {
      sendError(res, 401, 'unauthorized', 'staff sign-in required: POST /staff/login with the staff token');
      return;
    }
    res.set('Cache-Control', 'no-store');
    res.redirect(303, `${SIGN_IN_PATH}?next=${encodeURIComponent(req.originalUrl)}`);
  };

  /** POST /staff/login {"token"} and POST /staff/logout, to mount at /staff. */
  router(): Router {
    const router = Router();
    // Only failures count, so a signed-in shift never trips it; the limit holds even for the right token.
    const throttle = jsonRateLimit({
      windowMs: this.failureWindowMs,
      limit: this.maxFailures,
      skipSuccessfulRequests: true,
      message: 'too many failed sign-ins from this address; try again later',
      onLimit: (req) => this.log.warn({ ip: req.ip }, 'staff sign-in throttled after repeated failures'),
    });
    router.use((_req, res, next) => {
      res.set('Cache-Control', 'no-store');
      next();
    });
    router.post('/login', throttle, express.json({ limit: '2kb' }), (req, res) => {
      const body: unknown = req.body;
      const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
      if (typeof token !== 'string' || token.trim() === '') {
        sendError(res, 400, 'bad_request', 'the body must be JSON {"token": "<staff token>"} (Content-Type: application/json)');
        return;
      }
      if (token.length > 512 || !this.checkToken(token.trim())) {
        this.log.warn({ ip: req.ip }, 'staff sign-in refused: wrong token');
        sendError(res, 401, 'unauthorized', 'wrong staff token');
        return;
      }
      const session = this.issueSession();
      setSessionCookie(req, res, session.value, session.maxAgeMs);
      this.log.info({ ip: req.ip }, 'staff signed in');
      res.json({ signedIn: true, expiresIn: Math.round(session.maxAgeMs / 1000) });
    });
    router.post('/logout', (req, res) => {
      setSessionCookie(req, res, '', 0);
      res.json({ signedIn: false });
    });
    router.get('/session', (req, res) => {
      const left = this.sessionOf(req);
      res.json(left === undefined ? { signedIn: false } : { signedIn: true, expiresIn: left });
    });
    return router;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** The guard as a plain function, for routers that receive the StaffAuth instance. */
export function requireStaff(auth: StaffAuth): RequestHandler {
  return auth.requireStaff;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function wantsJson(req: Request): boolean {
  if (req.originalUrl.startsWith('/api/') || req.method !== 'GET') return true;
  return req.accepts(['html', 'json']) === 'json';
}

function setSessionCookie(req: Request, res: Response, value: string, maxAgeMs: number): void {
  res.cookie(STAFF_COOKIE, value, {
    httpOnly: true,
    sameSite: 'strict',
    // Secure whenever the request came over HTTPS (directly or, with trust proxy, through one).
    secure: req.secure,
    path: '/',
    maxAge: maxAgeMs,
  });
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
