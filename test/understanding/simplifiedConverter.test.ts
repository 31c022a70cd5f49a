import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimplifiedConverter } from '../../bot/understanding/simplifiedConverter.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const converter = new SimplifiedConverter();

/** every string in a parsed JSON value */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}
function jsonStrings(dir: string, names: (name: string) => boolean): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json') && names(path.basename(f)))
    .flatMap((f) => strings(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))));
}
/** the development question sets only: held-out sets are not read while changing the pipeline */
const questions = jsonStrings(path.join(ROOT, 'test', 'eval'), (name) => !name.startsWith('holdout'));
const knowledgeText = jsonStrings(path.join(ROOT, 'knowledge'), () => true);

describe('SimplifiedConverter: OpenCC skipped only where it could change nothing', () => {
  it('converts Hong Kong and Taiwan forms as OpenCC does', () => {
    expect(converter.convert('醫療保險異地就醫備案')).toBe('医疗保险异地就医备案');
    expect(converter.convert('報銷 帳戶')).toBe(converter.convertAlways('報銷 帳戶'));
  });

  it('gives every CJK character back as OpenCC would, whether or not it skips', () => {
    const ranges: Array<[number, number]> = [
      [0x3400, 0x4dbf],
      [0x4e00, 0x9fff],
      [0xf900, 0xfaff],
      [0x20000, 0x2a6df],
      [0x2f800, 0x2fa1f],
    ];
    const wrong: string[] = [];
    let skipped = 0;
    for (const [from, to] of ranges) {
      for (let cp = from; cp <= to; cp++) {
        const ch = String.fromCodePoint(cp);
        if (!converter.mayChange(ch)) skipped++;
        if (converter.convert(ch) !== converter.convertAlways(ch)) wrong.push(ch);
      }
    }
    expect(wrong).toEqual([]);
    expect(skipped).toBeGreaterThan(60_000); // the set of characters that make it convert stays small
  });

  it('gives every knowledge string and development question back as OpenCC would; most are skipped', () => {
    const texts = [...new Set([...knowledgeText, ...questions])];
    expect(texts.length).toBeGreaterThan(5_000);
    expect(texts.filter((t) => converter.convert(t) !== converter.convertAlways(t))).toEqual([]);
    const skipped = texts.filter((t) => !converter.mayChange(t)).length;
    expect(skipped / texts.length).toBeGreaterThan(0.5);
  });
});
