import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trimmedDictionaryTexts } from '../../bot/cli/buildJiebaDict.js';
import { JIEBA_CORE_WORDS, JIEBA_DIR } from '../../bot/understanding/segmenter.js';
import { parseDictionary, trimDictionary, type DictEntry } from '../../bot/understanding/trimmedDictionary.js';
import { seededRandom } from '../support/seededRandom.js';

/** What cppjieba derives from a dictionary (DictTrie::SetStaticWordWeights): each word's weight, the smallest, the median. */
function weights(entries: readonly DictEntry[]): { sum: number; min: number; median: number } {
  const sum = entries.reduce((s, e) => s + e.freq, 0);
  const sorted = entries.map((e) => Math.log(e.freq / sum)).sort((a, b) => a - b);
  return { sum, min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! };
}

describe('trimDictionary', () => {
  it('keeps the core and every word of the texts, each weighted as in the whole dictionary, with the same smallest and median weight', () => {
    const random = seededRandom(240);
    const chars = '医保报销备案异地就诊住院门诊药费用卡';
    for (let round = 0; round < 30; round++) {
      const full: DictEntry[] = [];
      const seen = new Set<string>();
      while (full.length < 400) {
        const word = Array.from({ length: 1 + Math.floor(random() * 3) }, () => chars[Math.floor(random() * chars.length)]).join('');
        if (seen.has(word)) continue;
        seen.add(word);
        full.push({ word, freq: 1 + Math.floor(random() ** 3 * 5000), tag: 'n' });
      }
      const texts = ['异地就医备案', '住院费用报销'];
      const trimmed = trimDictionary(full, { core: 40, texts });
      const before = weights(full);
      const after = weights(trimmed);
      expect(after).toEqual(before);
      const kept = new Map(trimmed.map((e) => [e.word, e.freq]));
      for (const e of full) {
        if (texts.some((t) => t.includes(e.word))) expect(kept.get(e.word), e.word).toBe(e.freq);
      }
      expect(trimmed.length).toBeLessThan(full.length);
    }
  });
});

describe('the shipped trimmed dictionary', () => {
  it('is what npm run dict:build makes from the whole dictionary and the current knowledge (else run it)', { timeout: 120_000 }, async () => {
    const whole = path.join(path.dirname(createRequire(import.meta.url).resolve('nodejieba')), 'submodules', 'cppjieba', 'dict', 'jieba.dict.utf8');
    const full = parseDictionary(await readFile(whole, 'utf8'));
    const shipped = parseDictionary(await readFile(path.join(JIEBA_DIR, 'dict.utf8'), 'utf8'));
    const expected = trimDictionary(full, { core: JIEBA_CORE_WORDS, texts: await trimmedDictionaryTexts() });
    expect(shipped.length, 'the knowledge changed: run npm run dict:build').toBe(expected.length);
    expect(shipped, 'the knowledge changed: run npm run dict:build').toEqual(expected);
    expect(weights(shipped)).toEqual(weights(full));
    expect(shipped.length).toBeLessThan(full.length / 5);
  });
});
