import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * WeChat's signature: sha1 of the parts sorted as strings and concatenated —
 * (token, timestamp, nonce) for `signature`, plus the Encrypt field for `msg_signature`.
 */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''), 'utf8')
    .digest('hex');
}

/** Constant-time comparison, so a forger learns nothing from response times. */
export function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
