import { describe, expect, it } from 'vitest';
import { hasTibetan, TibetanNormalizer } from '../../bot/understanding/tibetanNormalizer.js';

const n = new TibetanNormalizer();
const codes = (s: string): string => [...s].map((c) => c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')).join(' ');

describe('TibetanNormalizer', () => {
  it.each([
    ['the non-breaking tsheg U+0F0C becomes U+0F0B', 'སྨན\u0F0Cབཅོས', 'སྨན་བཅོས'],
    ['U+0F73 (ཱི) is spelled U+0F71 U+0F72', 'ཀ\u0F73', 'ཀ\u0F71\u0F72'],
    ['U+0F75 (ཱུ) is spelled U+0F71 U+0F74', 'ཀ\u0F75', 'ཀ\u0F71\u0F74'],
    ['U+0F81 is spelled U+0F71 U+0F80', 'ཀ\u0F81', 'ཀ\u0F71\u0F80'],
    ['U+0F77 is spelled U+0FB2 U+0F71 U+0F80', 'ཀ\u0F77', 'ཀ\u0FB2\u0F71\u0F80'],
    ['U+0F79 is spelled U+0FB3 U+0F71 U+0F80', 'ཀ\u0F79', 'ཀ\u0FB3\u0F71\u0F80'],
    ['the precomposed stack U+0F43 (གྷ) is decomposed', '\u0F43', '\u0F42\u0FB7'],
    ['the precomposed subjoined U+0F93 is decomposed', 'ཀ\u0F93', 'ཀ\u0F92\u0FB7'],
    ['zero-width characters are dropped', 'སྨན\u200B་\u200Dབཅོས\uFEFF', 'སྨན་བཅོས'],
    ['a vowel sign with no letter under it is dropped', '\u0F72སྨན་\u0F74བཅོས', 'སྨན་བཅོས'],
    ['the same vowel sign typed twice is kept once', 'ཐོ\u0F7C\u0F7C', 'ཐོ'],
    ['annotation marks are dropped', 'སྨན\u0F35་བཅོས\u0F37', 'སྨན་བཅོས'],
    ['repeated tshegs collapse', 'སྨན་་་བཅོས', 'སྨན་བཅོས'],
    ['shad is a boundary and the tsheg before it goes', 'ང་། ཐེམ་ཐོ།', 'ང ཐེམ་ཐོ'],
    ['nyis shad and other punctuation are boundaries', 'སྨན་བཅོས༎འགན་བཅོལ?ཐོ', 'སྨན་བཅོས འགན་བཅོལ ཐོ'],
    ['a space alone is a boundary', 'སྨན་བཅོས འགན་བཅོལ', 'སྨན་བཅོས འགན་བཅོལ'],
    ['a space after a tsheg continues the phrase (a wrapped line)', 'སྨན་ བཅོས', 'སྨན་བཅོས'],
    ['leading and trailing tshegs go', '་སྨན་བཅོས་', 'སྨན་བཅོས'],
    ['a tsheg next to another script goes', 'ངའི་医保', 'ངའི医保'],
    ['Tibetan digits become ASCII digits', '༠༨༩༡', '0891'],
  ])('%s', (_rule, input, expected) => {
    expect(codes(n.normalize(input))).toBe(codes(expected));
  });

  it('is stable under NFC and idempotent', () => {
    for (const s of ['ཀ\u0F73་\u0F43་ཀ\u0F77', 'ཧཱུྃ་ཨཱཿ', 'སྨན༌བཅོས།']) {
      const once = n.normalize(s);
      expect(once.normalize('NFC')).toBe(once);
      expect(n.normalize(once)).toBe(once);
    }
  });

  it('folds the two spellings of one word together', () => {
    expect(n.normalize('ཀ\u0F71\u0F72')).toBe(n.normalize('ཀ\u0F73'));
    expect(n.normalize('ཀྲ\u0F71\u0F80')).toBe(n.normalize('ཀ\u0F77'));
  });

  it('tells Tibetan letters from other text', () => {
    expect(hasTibetan('医保 ཕྱིར་སྤྲོད')).toBe(true);
    expect(hasTibetan('医保 ། ་')).toBe(false);
  });
});
