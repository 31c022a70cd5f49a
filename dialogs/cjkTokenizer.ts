import type { Token } from 'botbuilder-dialogs';

const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]/u;

/**
 * botbuilder's default tokenizer keeps a run of Chinese characters as one token,
 * so "我是灵活就业的" never contains the choice "灵活就业". Each Han character is
 * its own token here; Tibetan splits on the tsheg; Latin words stay whole.
 */
export function cjkTokenizer(text: string): Token[] {
  const tokens: Token[] = [];
  let start = -1;
  const chars = [...text];
  let offset = 0;
  const positions: number[] = chars.map((c) => {
    const at = offset;
    offset += c.length;
    return at;
  });
  const flush = (endIndex: number): void => {
    if (start < 0) return;
    const s = positions[start]!;
    const e = (positions[endIndex] ?? offset) - 1;
    const raw = text.slice(s, e + 1);
    tokens.push({ start: s, end: e, text: raw, normalized: raw.toLowerCase() });
    start = -1;
  };
  chars.forEach((c, i) => {
    if (HAN.test(c)) {
      flush(i);
      tokens.push({ start: positions[i]!, end: positions[i]! + c.length - 1, text: c, normalized: c });
    } else if (WORD.test(c) || /[\u0F40-\u0FBC]/.test(c)) {
      if (start < 0) start = i;
    } else {
      flush(i);
    }
  });
  flush(chars.length);
  return tokens;
}
