import { foldTibetanDigits } from '../i18n/digits.js';

/** Tibetan letters and signs that need a base letter (vowel signs, subjoined letters, marks). */
const COMBINING = /[\u0F18\u0F19\u0F35\u0F37\u0F39\u0F3E\u0F3F\u0F71-\u0F84\u0F86\u0F87\u0F8D-\u0FBC\u0FC6]/u;
/** a Tibetan base letter (a combining sign may follow it) */
const BASE = /[\u0F40-\u0F6C\u0F88-\u0F8C]/u;
const TSHEG = '\u0F0B';

/**
 * The discouraged precomposed vowel signs Unicode has only compatibility decompositions
 * for (NFC keeps them): spelled out as the recommended sequences. The canonical ones
 * (U+0F73, U+0F75, U+0F81, U+0F43 …) are decomposed by NFC itself (they are excluded
 * from composition), so the result is stable under NFC.
 */
const DISCOURAGED: Record<string, string> = {
  '\u0F77': '\u0FB2\u0F71\u0F80',
  '\u0F79': '\u0FB3\u0F71\u0F80',
};

/** annotation marks that carry nothing for search (nyi zla, sgor rtags, astrological signs) */
const DROPPED_MARKS = /[\u0F18\u0F19\u0F35\u0F37\u0FC6]/gu;
const ZERO_WIDTH = /[\u00AD\u200B-\u200D\u2060\uFEFF]/gu;
/**
 * Boundaries between phrases: head marks (yig mgo), shad and its variants, gter tsheg,
 * brackets, and any space or punctuation of another script.
 */
const BOUNDARY = /[\u0F01-\u0F0A\u0F0D-\u0F14\u0F3A-\u0F3D\u0FD0-\u0FD4\u0FD9\u0FDA\p{Z}\s\p{P}\p{S}]/u;

/**
 * Folds the ways one Tibetan phrase can be typed into one form: syllables joined by
 * one tsheg (U+0F0B), phrases separated by one space, vowels and stacks spelled as
 * Unicode recommends, no stray or doubled marks, Tibetan digits as ASCII digits.
 * Text of other scripts passes through; a tsheg next to it is dropped.
 */
export class TibetanNormalizer {
  normalize(text: string): string {
    let s = text.replace(ZERO_WIDTH, '').replace(/\u0F0C/gu, TSHEG);
    s = s.replace(/[\u0F77\u0F79]/gu, (c) => DISCOURAGED[c] ?? c).normalize('NFC');
    s = foldTibetanDigits(s.replace(DROPPED_MARKS, ''));

    let out = '';
    // the last base letter seen in the current syllable, and the signs attached since
    let inSyllable = false;
    let signs = '';
    for (const ch of s) {
      if (ch === TSHEG) {
        inSyllable = false;
        out += TSHEG;
      } else if (COMBINING.test(ch)) {
        // a sign with no letter to sit on is stray; the same sign twice is a typing slip
        if (!inSyllable || signs.endsWith(ch)) continue;
        signs += ch;
        out += ch;
      } else if (BASE.test(ch)) {
        inSyllable = true;
        signs = '';
        out += ch;
      } else if (BOUNDARY.test(ch)) {
        inSyllable = false;
        // a typed space may only wrap a line; shad and punctuation always end the phrase
        out += /[\p{Z}\s]/u.test(ch) ? ' ' : '\n';
      } else {
        inSyllable = false;
        out += ch;
      }
    }
    return (
      out
        // a tsheg followed by spaces continues the phrase (a line wrapped after a tsheg)
        .replace(/\u0F0B[ ]+(?=[\u0F40-\u0FBC])/gu, TSHEG)
        .replace(/[ \n]+/gu, ' ')
        .replace(/\u0F0B{2,}/gu, TSHEG)
        // a tsheg before a boundary or another script ends nothing: ང་། → ང
        .replace(/\u0F0B+(?=[^\u0F40-\u0FBC]|$)/gu, '')
        .replace(/(^|[^\u0F40-\u0FBC])\u0F0B+/gu, '$1')
        .trim()
    );
  }
}

/** whether the text holds Tibetan letters at all */
export function hasTibetan(text: string): boolean {
  return /[\u0F40-\u0FBC]/u.test(text);
}
