/**
 * Masks personal numbers people type into the chat: 18- and 15-digit 身份证号, mainland mobile
 * numbers, bank card numbers (13–19 digits, Luhn-checked) and, in user input only, landlines
 * written with an area code and a separator. Full-width digits count as digits.
 *
 * Masked forms keep just enough for a person to recognise their own number, and no more:
 * 身份证号 and cards keep their last 4 characters (`**************123X`), mobiles the usual
 * 3 + 4 (`138****5678`), landlines their area code (`0891-*******`). The stars break the digit
 * run, so masking twice changes nothing.
 */
export interface MaskOptions {
  /**
   * Landlines like 0891-6609963. On for what people type; off for text that may hold our own
   * answers (the offices' phones), e.g. the logger's defence in depth.
   */
  landlines?: boolean;
}

// Every full-width character below maps to exactly one UTF-16 unit, so positions in the
// half-width copy are positions in the original.
const FULL_WIDTH = /[\uFF10-\uFF19\uFF38\uFF58\uFF0B\uFF0D\u3000\u2010-\u2015\u2212]/g;

const SEP = '[ \\-]?';
const ID18 = new RegExp(`(?<![0-9])[1-9]\\d{5}${SEP}\\d{8}${SEP}\\d{3}[0-9Xx](?![0-9A-Za-z])`, 'g');
const ID15 = /(?<![0-9])[1-9]\d{14}(?![0-9])/g;
const MOBILE = new RegExp(`(?<![0-9])(?:(?:\\+|00)?86${SEP})?1[3-9]\\d(?:${SEP}\\d){8}(?![0-9])`, 'g');
const CARD = new RegExp(`(?<![0-9])\\d(?:${SEP}\\d){12,18}(?![0-9])`, 'g');
const LANDLINE = /(?<![0-9])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ -])\d{7,8}(?![0-9])/g;

/** Masks personal numbers in `text`; anything else is left exactly as it was. */
export function maskPii(text: string, options: MaskOptions = {}): string {
  if (!/[0-9\uFF10-\uFF19]/.test(text)) return text;
  // Find on a half-width copy; blank each found span there (same length) so later patterns
  // cannot reuse its digits; then rebuild from the original, so nothing else changes.
  let probe = halfWidth(text);
  const spans: Array<{ start: number; end: number; mask: string }> = [];
  const find = (re: RegExp, mask: (match: string) => string | undefined): void => {
    probe = probe.replace(re, (match: string, offset: number) => {
      const masked = mask(match);
      if (masked === undefined) return match;
      spans.push({ start: offset, end: offset + match.length, mask: masked });
      return '#'.repeat(match.length);
    });
  };
  find(ID18, (m) => keepLast(digitsOf(m), 4));
  find(MOBILE, (m) => {
    const d = digitsOf(m).slice(-11);
    return `${d.slice(0, 3)}****${d.slice(7)}`;
  });
  find(CARD, (m) => (luhnValid(digitsOf(m)) ? keepLast(digitsOf(m), 4) : undefined));
  find(ID15, (m) => keepLast(m, 4));
  if (options.landlines) {
    find(LANDLINE, (m) => {
      const area = /^[(（]?(0\d{2,3})/.exec(m)?.[1] ?? '';
      return `${area}-${'*'.repeat(Math.max(0, digitsOf(m).length - area.length))}`;
    });
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + s.mask;
    at = s.end;
  }
  return out + text.slice(at);
}

/** Masks every string inside a JSON-like value (arrays and plain objects), returning a copy only when something changed. */
export function maskDeep<T>(value: T, options: MaskOptions = {}, depth = 0): T {
  if (typeof value === 'string') return maskPii(value, options) as T;
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v: unknown) => {
      const m = maskDeep(v, options, depth + 1);
      if (m !== v) changed = true;
      return m;
    });
    return (changed ? out : value) as T;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const m = maskDeep(v, options, depth + 1);
    if (m !== v) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[k] = m;
    }
  }
  return (copy ?? value) as T;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function halfWidth(text: string): string {
  return text.replace(FULL_WIDTH, (c) => {
    const code = c.charCodeAt(0);
    if (code >= 0xff10 && code <= 0xff19) return String.fromCharCode(code - 0xff10 + 48);
    if (c === '\uFF38' || c === '\uFF58') return 'X';
    if (c === '\uFF0B') return '+';
    if (c === '\u3000') return ' ';
    return '-';
  });
}

function digitsOf(s: string): string {
  return s.replace(/[^0-9Xx]/g, '');
}

function keepLast(s: string, n: number): string {
  return '*'.repeat(Math.max(0, s.length - n)) + s.slice(-n);
}
