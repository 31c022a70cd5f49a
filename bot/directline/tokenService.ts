import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../errors/configError.js';

/** Direct Line tokens live 30 minutes; clients refresh them every 15. */
export const TOKEN_TTL_SECONDS = 1800;

const MIN_SECRET_BYTES = 32;
const MAX_TOKEN_CHARS = 2048;

/** A compact HS256 JWT, so standard tools (and directlinejs's jwt-decode) can read it. */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

const Claims = z.object({
  /** the one conversation this token opens */
  conv: z.string().min(1).max(128),
  /** the one user who may speak in it (Web Chat and directlinejs read this claim and send it as from.id) */
  user: z.string().min(1).max(256),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
  jti: z.string().min(1).max(64),
});

export interface TokenClaims {
  conversationId: string;
  /** from.id of every activity posted with this token */
  userId: string;
  /** seconds since the epoch */
  issuedAt: number;
  /** seconds since the epoch */
  expiresAt: number;
}

export interface IssuedToken {
  conversationId: string;
  token: string;
  /** seconds until the token expires */
  expires_in: number;
}

export type TokenCheck = { ok: true; claims: TokenClaims; expiresIn: number } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

export interface TokenServiceOptions {
  /** HMAC key, at least 32 bytes; see `TokenService.generateSecret()` */
  secret: string | Buffer;
  ttlSeconds?: number;
  /** milliseconds since the epoch; injectable for tests */
  now?: () => number;
}

/** Issues and checks the signed tokens that scope a client to one conversation. */
export class TokenService {
  private readonly key: Buffer;
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor({ secret, ttlSeconds = TOKEN_TTL_SECONDS, now = Date.now }: TokenServiceOptions) {
    this.key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    if (this.key.length < MIN_SECRET_BYTES) {
      throw new ConfigError(`the Direct Line token secret must be at least ${MIN_SECRET_BYTES} bytes`, { bytes: this.key.length });
    }
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new ConfigError('token ttlSeconds must be a positive whole number', { ttlSeconds });
    this.ttlSeconds = ttlSeconds;
    this.now = now;
  }

  /** A fresh random secret, for when the environment provides none (tokens then die with the process). */
  static generateSecret(): string {
    return randomBytes(MIN_SECRET_BYTES).toString('base64url');
  }

  /** A new user id for a token: server-chosen, so nobody can name someone else's (the dl_ prefix is Azure's, which Web Chat trusts). */
  static newUserId(): string {
    return `dl_${randomBytes(12).toString('base64url')}`;
  }

  /** A token for one conversation and one user (a fresh user id unless given: a client never picks its own). */
  issue(conversationId: string, userId: string = TokenService.newUserId()): IssuedToken {
    const iat = this.nowSeconds();
    const claims: z.infer<typeof Claims> = { conv: conversationId, user: userId, iat, exp: iat + this.ttlSeconds, jti: randomBytes(9).toString('base64url') };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signature = this.sign(`${HEADER}.${payload}`).toString('base64url');
    return { conversationId, token: `${HEADER}.${payload}.${signature}`, expires_in: this.ttlSeconds };
  }

  verify(token: string): TokenCheck {
    return this.check(token, 0);
  }

  /**
   * A new token for the same conversation and user, if the old one is valid or expired at most `graceSeconds` ago:
   * a page back from an outage longer than its token resumes its conversation (which the caller checks still exists).
   */
  refresh(
    token: string,
    graceSeconds = 0,
  ): { ok: true; issued: IssuedToken; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' } {
    const check = this.check(token, graceSeconds);
    if (!check.ok) return check;
    return { ok: true, claims: check.claims, issued: this.issue(check.claims.conversationId, check.claims.userId) };
  }

  /** `verify`, accepting a token expired at most `graceSeconds` ago. */
  private check(token: string, graceSeconds: number): TokenCheck {
    if (token.length === 0 || token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    const [header, payload, signature] = parts as [string, string, string];
    // Only our own header is accepted, so nobody can pick another algorithm ("none", RS256 …).
    if (header !== HEADER || !isBase64Url(payload) || !isBase64Url(signature)) return { ok: false, reason: 'malformed' };
    const given = Buffer.from(signature, 'base64url');
    const expected = this.sign(`${header}.${payload}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const claims = Claims.safeParse(parsed);
    if (!claims.success) return { ok: false, reason: 'malformed' };
    const expiresIn = claims.data.exp - this.nowSeconds();
    if (expiresIn + graceSeconds <= 0) return { ok: false, reason: 'expired' };
    return {
      ok: true,
      claims: { conversationId: claims.data.conv, userId: claims.data.user, issuedAt: claims.data.iat, expiresAt: claims.data.exp },
      expiresIn,
    };
  }

  private sign(data: string): Buffer {
    return createHmac('sha256', this.key).update(data).digest();
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

function isBase64Url(s: string): boolean {
  return s.length > 0 && /^[A-Za-z0-9_-]+$/.test(s);
}
