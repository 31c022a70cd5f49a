import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../bot/errors/configError.js';
import { TOKEN_TTL_SECONDS, TokenService } from '../../bot/directline/tokenService.js';

const SECRET = 'k'.repeat(32);

describe('TokenService', () => {
  it('issues a 30-minute HS256 JWT for one conversation and verifies it', () => {
    let now = 1_700_000_000_000;
    const tokens = new TokenService({ secret: SECRET, now: () => now });
    const issued = tokens.issue('conv-1', 'dl_person');
    expect(issued).toMatchObject({ conversationId: 'conv-1', expires_in: TOKEN_TTL_SECONDS });
    expect(TOKEN_TTL_SECONDS).toBe(1800);
    const [header, payload] = issued.token.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
      conv: 'conv-1',
      user: 'dl_person',
      iat: 1_700_000_000,
      exp: 1_700_001_800,
    });

    expect(tokens.verify(issued.token)).toEqual({
      ok: true,
      claims: { conversationId: 'conv-1', userId: 'dl_person', issuedAt: 1_700_000_000, expiresAt: 1_700_001_800 },
      expiresIn: 1800,
    });
    now += 1799_000;
    expect(tokens.verify(issued.token)).toMatchObject({ ok: true, expiresIn: 1 });
    now += 1000;
    expect(tokens.verify(issued.token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refresh gives a different token for the same conversation, only while the old one is valid', () => {
    let now = Date.now();
    const tokens = new TokenService({ secret: SECRET, now: () => now });
    const first = tokens.issue('conv-2');
    now += 15 * 60 * 1000;
    const refreshed = tokens.refresh(first.token);
    expect(refreshed.ok).toBe(true);
    if (!refreshed.ok) return;
    expect(refreshed.issued.conversationId).toBe('conv-2');
    expect(tokens.verify(refreshed.issued.token)).toMatchObject({
      claims: { userId: (tokens.verify(first.token) as { claims: { userId: string } }).claims.userId },
    }); // the same user
    expect(refreshed.issued.token).not.toBe(first.token);
    now += 16 * 60 * 1000;
    expect(tokens.verify(first.token)).toEqual({ ok: false, reason: 'expired' });
    expect(tokens.verify(refreshed.issued.token)).toMatchObject({ ok: true });
    expect(tokens.refresh(first.token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects tampering, other keys, other algorithms and junk', () => {
    const tokens = new TokenService({ secret: SECRET });
    const { token } = tokens.issue('conv-3');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const otherPayload = Buffer.from(JSON.stringify({ conv: 'conv-4', iat: 1, exp: 9_999_999_999, jti: 'x' })).toString('base64url');
    expect(tokens.verify(`${header}.${otherPayload}.${signature}`)).toEqual({ ok: false, reason: 'signature' });
    expect(tokens.verify(new TokenService({ secret: 'z'.repeat(32) }).issue('conv-3').token)).toEqual({ ok: false, reason: 'signature' });
    expect(tokens.verify(`${header}.${payload}.${signature.slice(0, -4)}`)).toEqual({ ok: false, reason: 'signature' });
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(tokens.verify(`${none}.${payload}.`)).toEqual({ ok: false, reason: 'malformed' });
    for (const junk of ['', 'abc', 'a.b', 'a.b.c.d', `${header}.${payload}`, `${header}.!!.${signature}`, 'x'.repeat(5000)]) {
      expect(tokens.verify(junk)).toEqual({ ok: false, reason: 'malformed' });
    }
    // Correctly signed but with the wrong claims is still refused.
    const signer = tokens as unknown as { sign(data: string): Buffer };
    const badClaims = Buffer.from(JSON.stringify({ conv: 7 })).toString('base64url');
    expect(tokens.verify(`${header}.${badClaims}.${signer.sign(`${header}.${badClaims}`).toString('base64url')}`)).toEqual({ ok: false, reason: 'malformed' });
    // A token naming no user (as before users were bound) opens nothing: every activity needs the token's user.
    const noUser = Buffer.from(JSON.stringify({ conv: 'conv-3', iat: 1, exp: 9_999_999_999, jti: 'x' })).toString('base64url');
    expect(tokens.verify(`${header}.${noUser}.${signer.sign(`${header}.${noUser}`).toString('base64url')}`)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('needs a secret of at least 32 bytes; generateSecret makes one', () => {
    expect(() => new TokenService({ secret: 'short' })).toThrow(ConfigError);
    const secret = TokenService.generateSecret();
    expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32);
    expect(TokenService.generateSecret()).not.toBe(secret);
    expect(new TokenService({ secret: Buffer.alloc(32, 1) }).issue('c').token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
