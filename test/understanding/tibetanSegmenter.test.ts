import { describe, expect, it } from 'vitest';
import { TibetanNormalizer } from '../../bot/understanding/tibetanNormalizer.js';
import { TibetanSegmenter } from '../../bot/understanding/tibetanSegmenter.js';

const norm = new TibetanNormalizer();
const texts = (s: TibetanSegmenter, t: string): string[] => s.content(norm.normalize(t)).map((x) => x.text);

describe('TibetanSegmenter', () => {
  it('splits syllables on the tsheg and numbers phrases', () => {
    const s = new TibetanSegmenter();
    expect(s.syllables(norm.normalize('སྨན་བཅོས། འགན་བཅོལ'))).toEqual([
      { text: 'སྨན', particle: false, phrase: 0 },
      { text: 'བཅོས', particle: false, phrase: 0 },
      { text: 'འགན', particle: false, phrase: 1 },
      { text: 'བཅོལ', particle: false, phrase: 1 },
    ]);
  });

  it('splits the fused genitive འི off, so ཐེམ་ཐོའི meets ཐེམ་ཐོ', () => {
    const s = new TibetanSegmenter();
    expect(texts(s, 'ཐེམ་ཐོའི་དེབ')).toEqual(['ཐེམ', 'ཐོ', 'དེབ']);
    expect(s.syllables(norm.normalize('ཐོའི')).map((x) => x.text)).toEqual(['ཐོ', 'འི']);
  });

  it('splits the other fused particles (འིས, འོ, འམ, འང) but keeps a syllable that is only the particle', () => {
    const s = new TibetanSegmenter();
    expect(texts(s, 'ངའིས་ཐོའོ་ཐོའམ་ཐོའང')).toEqual(['ང', 'ཐོ', 'ཐོ', 'ཐོ']);
    expect(s.syllables(norm.normalize('འི')).map((x) => x.text)).toEqual(['འི']);
  });

  it('drops case markers and nominalisers written on their own', () => {
    const s = new TibetanSegmenter();
    expect(texts(s, 'སྨན་བཅོས་འགན་བཅོལ་གྱི་ཐོ་འགོད་བྱེད་པ')).toEqual(texts(s, 'སྨན་བཅོས་འགན་བཅོལ་ཐོ་འགོད་བྱེད'));
    expect(texts(s, 'ལྷ་ས་ནས་ཁྲིན་ཏུའུ་ལ')).toEqual(['ལྷ', 'ས', 'ཁྲིན', 'ཏུའུ']);
  });

  it('splits a fused ར or ས only where the rest is a known syllable and the whole is not', () => {
    const s = new TibetanSegmenter();
    expect(texts(s, 'ལྷ་སར')).toEqual(['ལྷ', 'སར']);
    s.setVocabulary(new Set(['ས', 'ང', 'ནས', 'གཞི', 'གཞིས']));
    expect(texts(s, 'ལྷ་སར')).toEqual(['ལྷ', 'ས']);
    expect(texts(s, 'ངས')).toEqual(['ང']);
    expect(texts(s, 'གཞིས་ཀ་རྩེ')).toEqual(['གཞིས', 'ཀ', 'རྩེ']);
  });

  it('forms n-grams within a phrase, never across a boundary', () => {
    const s = new TibetanSegmenter();
    const grams = s.ngrams(s.content(norm.normalize('ཀ་ཁ་ག། ང')), 3).map((g) => g.text);
    expect(grams).toEqual(['ཀ', 'ཀ་ཁ', 'ཀ་ཁ་ག', 'ཁ', 'ཁ་ག', 'ག', 'ང']);
    expect(s.ngrams(s.content(norm.normalize('ཀ་ཁ་ག་ང་ཅ')), 2).every((g) => g.end - g.start <= 2)).toBe(true);
  });
});
