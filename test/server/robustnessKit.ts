import { expect } from 'vitest';

/** Every client mistake: a 4xx with `{"error":{"code","message"}}` saying what is wrong. */
export async function expectClientError(res: Response, status: number | 'any', what = ''): Promise<{ code: string; message: string }> {
  const text = await res.text();
  if (status === 'any') expect(res.status, `${what}: ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  else expect(res.status, `${what}: ${text.slice(0, 200)}`).toBe(status);
  expect(res.status, what).toBeLessThan(500);
  expect(res.headers.get('content-type') ?? '', what).toMatch(/application\/json/);
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code, what).toBe('string');
  expect(typeof body.error?.message, what).toBe('string');
  expect((body.error!.message as string).length, what).toBeGreaterThan(5);
  return body.error as { code: string; message: string };
}

/** Strings people and robots send: control characters, emoji, right-to-left text, broken Tibetan stacks, lone surrogates. */
export const NASTY_TEXTS: readonly string[] = [
  '\u0000\u0001\u0007\u001b[31m住院\u007f',
  '报销\r\n\t\u000b\u000c',
  '😀👍🏽👨‍👩‍👧‍👦 医保卡丢了🙏',
  'مرحبا بالعالم \u202eإعادة\u202c',
  '\u202e住院费用报销\u202d',
  'שלום עולם 医保',
  '\u0F72\u0F74\u0F7C',
  '\u0F90\u0FB2\u0FB1\u0F71',
  'བོད\u0F7A\u0F7A\u0F7A\u0F7A་\u0FB2\u0FB2',
  '\uD800 lone high',
  'lone low \uDFFF',
  '\u200b\u200c\u200d\u2060\ufeff',
  ' \u3000 ',
  '𠀀𪚥𰻞 biáng',
  '<script>alert(1)</script>',
  "'; DROP TABLE matters; --",
  '{{constructor.constructor("return 1")()}}',
  '%s%n%x',
  '../../etc/passwd',
  '住院 \u2067ابن\u2069 1 次 \u2066abc\u2069\u200f\u200e\u061c',
  `报销${'\u0301'.repeat(1500)}`,
];

/** Bidirectional controls: embeddings, overrides, isolates and marks, some left open. */
export const BIDI_TEXTS: readonly string[] = [
  '\u202e住院费用\u202c',
  '\u202a\u202b\u202d\u202e',
  '\u2066\u2067\u2068',
  '1 次\u2069\u2069\u2069',
  '\u200e\u200f\u061c\u200e',
  'שלום \u2067医保\u2069 مرحبا',
];

/** Long runs of combining marks (zalgo, stacked Tibetan vowels), each within the 4000-character message limit. */
export const COMBINING_RUNS: readonly string[] = [
  `a${'\u0301'.repeat(3000)}`,
  `Z${'\u0300\u0336\u0489'.repeat(1000)}`,
  `ཀ${'\u0F71\u0F72\u0F74\u0F7A\u0F7C'.repeat(700)}`,
  `住${'\u20DD'.repeat(500)}院`,
  '\u0F90\u0FB2'.repeat(1500),
];

/** JSON text nested `depth` levels deep, built as text (JSON.stringify of such a value would recurse). */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** The billion-laughs and external-entity bodies a WeChat endpoint must refuse. */
export const XML_BOMBS: readonly string[] = [
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><Content>&lol3;</Content></xml>',
  '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>',
  `<xml>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</xml>`,
  '<xml><Content><![CDATA[unterminated',
];

/** Percent-encodes the UTF-8 bytes, as a browser does; unlike encodeURIComponent it accepts lone surrogates. */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}
