import fs from 'node:fs';
import path from 'node:path';
import * as Full from 'opencc-js';
import * as T2cn from 'opencc-js/t2cn';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../bot/config/config.js';
import { SimplifiedConverter } from '../../bot/understanding/simplifiedConverter.js';

// SimplifiedConverter imports opencc-js's traditional-to-simplified build (0.1 MB) instead of the full one (2.3 MB of the
// server bundle, parsed at every start: issue 15). It must convert exactly as the full build does.
const converter = new SimplifiedConverter();
const fromHk = Full.Converter({ from: 'hk', to: 'cn' });
const fromTw = Full.Converter({ from: 'tw', to: 'cn' });
const full = (text: string): string => fromTw(fromHk(text));

/** every string in a parsed JSON value */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('opencc-js/t2cn converts as the full opencc-js', () => {
  it('has the same hk2s and tw2s tables', () => {
    for (const name of ['hk2s', 'tw2s']) {
      const [t2cn, whole] = [T2cn, Full].map((build) => JSON.stringify((build.Locale.configs as Record<string, unknown>)[name]));
      expect(t2cn, name).toBe(whole);
      expect(t2cn!.length, name).toBeGreaterThan(10_000); // the tables themselves, not an empty configuration
    }
  });

  it('gives the same text for every CJK character, every entry of the tables and every knowledge string', () => {
    const texts: string[] = [];
    for (const [from, to] of [
      [0x3400, 0x4dbf],
      [0x4e00, 0x9fff],
      [0xf900, 0xfaff],
    ] as const) {
      // characters in runs of 40, so that phrases across neighbours are read too
      for (let cp = from; cp <= to; cp += 40) texts.push(String.fromCodePoint(...Array.from({ length: Math.min(40, to - cp + 1) }, (_, i) => cp + i)));
    }
    // both sides of every entry of the two configurations' tables (traditional phrases, variants), each alone and in a sentence
    const configs = Full.Locale.configs as unknown as Record<string, { normalizationChain?: unknown; segmentation?: unknown; conversionChain: unknown }>;
    const entries = ['hk2s', 'tw2s'].flatMap((name) =>
      strings([configs[name]!.normalizationChain, configs[name]!.segmentation, configs[name]!.conversionChain]),
    );
    for (const table of entries) for (const line of table.split('|')) texts.push(...line.split(' '), `我的${line.replace(' ', '和')}報銷`);
    const knowledge = fs
      .readdirSync(path.join(ROOT_DIR, 'knowledge'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => strings(JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'knowledge', f), 'utf8'))));
    texts.push(...knowledge);
    expect(texts.length).toBeGreaterThan(50_000);
    expect(texts.filter((t) => converter.convertAlways(t) !== full(t))).toEqual([]);
    expect(texts.filter((t) => converter.convert(t) !== full(t))).toEqual([]);
  });
});
