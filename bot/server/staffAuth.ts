import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../logging/logger.js';
import { sendError } from './httpErrors.js';
import { jsonRateLimit, type RateLimitStores } from './rateLimit.js';
import type { StaffSessionStore } from './staffSessionStore.js';

export const STAFF_COOKIE = 'staff_session';
/** where pages send a visitor who is not signed in */
export const SIGN_IN_PATH = '/agent/signin';

export interface StaffAuthOptions {
  /** the shared staff token (STAFF_TOKEN), at least 16 characters */
  token: string;
  logger: Logger;
  /** the server-side sessions, so a sign-out revokes the cookie for good */
  sessions: StaffSessionStore;
  /** how long a sign-in lasts (default 12 hours: one working shift and some) */
  sessionSeconds?: number;
  /** failed sign-ins allowed per client address in `failureWindowMs` before 429 (default 10 in 15 minutes) */
  maxFailures?: number;
  failureWindowMs?: number;
  /** milliseconds since the epoch; injectable for tests */
  now?: () => number;
  /** where failed sign-ins are counted (Redis with REDIS_URL: one budget across instances); this process's memory by default */
  rateLimitStores?: RateLimitStores;
}

/**
 * Staff sign-in for the agent console and the review queue. The cookie holds the session's
 * expiry and id, signed with an HMAC keyed by the staff token (changing STAFF_TOKEN signs
 * everyone out); the id must also be in the session store, so /staff/logout revokes it on the
 * server (a copy of the cookie kept from before stops working). Every state-changing staff
 * request must come from our own origin (Origin, else Referer, and Sec-Fetch-Site when sent):
 * SameSite=Strict alone left no defence if a browser or a sibling subdomain got round it.
 */
export class StaffAuth {
  private readonly key: Buffer;
  private readonly tokenDigest: Buffer;
  private readonly sessionSeconds: number;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly maxFailures: number;
  private readonly failureWindowMs: number;
  private readonly sessions: StaffSessionStore;
  private readonly rateLimitStores: RateLimitStores | undefined;

  constructor({
    token,
    logger,
    sessions,
    sessionSeconds = 12 * 3600,
    maxFailures = 10,
    failureWindowMs = 15 * 60_000,
    now = Date.now,
    rateLimitStores,
  }: StaffAuthOptions) {
    this.sessions = sessions;
    this.rateLimitStores = rateLimitStores;
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

  /** A new session, recorded in the store: the cookie value `<expiry seconds>.<session id>.<hmac>`. */
  async issueSession(): Promise<{ value: string; maxAgeMs: number }> {
    const exp = Math.floor(this.now() / 1000) + this.sessionSeconds;
    const id = randomBytes(16).toString('base64url');
    await this.sessions.add(id, exp * 1000);
    const body = `${exp}.${id}`;
    return { value: `${body}.${this.sign(body)}`, maxAgeMs: this.sessionSeconds * 1000 };
  }

  /** Seconds the request's session has left, or undefined when it has none, a bad, expired or revoked one. */
  async sessionOf(req: Request): Promise<number | undefined> {
    const signed = this.signedSession(req);
    if (!signed) return undefined;
    const left = signed.exp - Math.floor(this.now() / 1000);
    if (left <= 0) return undefined;
    return (await this.sessions.isLive(signed.id, this.now())) ? left : undefined;
  }

  /**
   * Guards staff-only routes: a state-changing request from another origin gets 403; API calls
   * (under /api/ or asking for JSON) without a session get 401 JSON; pages get a redirect to the
   * sign-in page, which comes back afterwards.
   */
  readonly requireStaff: RequestHandler = (req, res, next) => {
    if (this.refuseCrossOrigin(req, res)) return;
    this.sessionOf(req).then((left) => (left === undefined ? this.refuse(req, res) : next()), next);
  };

  private refuse(req: Request, res: Response): void {
    if (wantsJson(req)) {
      sendError(res, 401, 'unauthorized', 'staff sign-in required: POST /staff/login with the staff token');
      return;
    }
    res.set('Cache-Control', 'no-store');
    res.redirect(303, `${SIGN_IN_PATH}?next=${encodeURIComponent(req.originalUrl)}`);
  }

  /** POST /staff/login {"token"} and POST /staff/logout, to mount at /staff. */
  router(): Router {
    const router = Router();
    // Only failures count, so a signed-in shift never trips it; the limit holds even for the right token.
    const throttle = jsonRateLimit({
      windowMs: this.failureWindowMs,
      limit: this.maxFailures,
      skipSuccessfulRequests: true,
      store: this.rateLimitStores?.('staff-login'),
      message: 'too many failed sign-ins from this address; try again later',
      onLimit: (req) => this.log.warn({ ip: req.ip }, 'staff sign-in throttled after repeated failures'),
    });
    router.use((_req, res, next) => {
      res.set('Cache-Control', 'no-store');
      next();
    });
    router.use((req, res, next) => {
      if (!this.refuseCrossOrigin(req, res)) next();
    });
    router.post('/login', throttle, express.json({ limit: '2kb' }), async (req, res) => {
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
      const session = await this.issueSession();
      setSessionCookie(req, res, session.value, session.maxAgeMs);
      this.log.info({ ip: req.ip }, 'staff signed in');
      res.json({ signedIn: true, expiresIn: Math.round(session.maxAgeMs / 1000) });
    });
    router.post('/logout', async (req, res) => {
      // revoked on the server: a copy of the cookie kept from before no longer signs anyone in
      const signed = this.signedSession(req);
      if (signed) await this.sessions.remove(signed.id);
      setSessionCookie(req, res, '', 0);
      res.json({ signedIn: false });
    });
    router.get('/session', async (req, res) => {
      const left = await this.sessionOf(req);
      res.json(left === undefined ? { signedIn: false } : { signedIn: true, expiresIn: left });
    });
    return router;
  }

  /**
   * Answers 403 to a state-changing request that a page of another origin could have sent
   * (cross-site request forgery) and says whether it did. The origin expected is the request's
   * own (protocol and Host, through TRUST_PROXY's X-Forwarded-Proto / -Host when trusted). A
   * request with neither Origin nor Referer is not from a browser's form or fetch and passes.
   */
  private refuseCrossOrigin(req: Request, res: Response): boolean {
    if (SAFE_METHODS.has(req.method)) return false;
    const why = crossOriginReason(req);
    if (why === undefined) return false;
    this.log.warn({ ip: req.ip, path: req.path, why }, 'cross-origin staff request refused');
    sendError(res, 403, 'forbidden', `cross-origin staff request refused (${why}): staff changes are accepted only from this site's own pages`);
    return true;
  }

  /** the expiry and id of a cookie whose signature checks, whatever the store says */
  private signedSession(req: Request): { exp: number; id: string } | undefined {
    const value = readCookie(req.get('cookie'), STAFF_COOKIE);
    if (!value) return undefined;
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!match) return undefined;
    const given = Buffer.from(match[3]!, 'base64url');
    const expected = Buffer.from(this.sign(`${match[1]}.${match[2]}`), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return { exp: Number(match[1]), id: match[2]! };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** why the request is not from our own origin, or undefined when it is (or says nothing) */
function crossOriginReason(req: Request): string | undefined {
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`.slice(0, 80);
  let own: string;
  try {
    own = new URL(`${req.protocol}://${req.host}`).origin;
  } catch {
    return 'unreadable Host';
  }
  const origin = req.get('origin');
  if (origin !== undefined) return originOf(origin) === own ? undefined : `Origin: ${origin}`.slice(0, 120);
  const referer = req.get('referer');
  if (referer !== undefined) return originOf(referer) === own ? undefined : 'Referer of another origin';
  return undefined;
}

function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
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
