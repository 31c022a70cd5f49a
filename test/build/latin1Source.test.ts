import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../bot/config/config.js';
import { serverCommand } from '../support/serverProcess.js';

interface Latin1Source {
  latin1Regexps(code: string, sourceType: 'module' | 'script'): string;
  wideCharacters(code: string): string[];
}
// a plain .mjs build script: loaded by URL so that tsc does not look for its types
const source = (await import(pathToFileURL(path.join(ROOT_DIR, 'build', 'latin1Source.mjs')).href)) as Latin1Source;

/** Regular expression literals as they appear in the bundle's dependencies and in our own code. */
const LITERALS = [
  '/０/g',
  '/[”’"\'」』）)\\]】》〉]+$/u',
  '/(n̄|ń|ň|ǹ)/g',
  '/\\（0\\d{2,3}\\）/', // identity escapes of wide characters, legal without u
  '/[😀-😂]x/u', // a range of astral characters: one code point each under u
  '/😀+/', // without u, two units
  '/[^，。,.;；]{0,3}$/u',
  '/(?<名>户)\\k<名>/u',
  '/a\\/（/',
];
const SAMPLES = ['０', '１２', '”」）', 'n̄', 'ń', '（010）', '(010)', '😁x', '😀😀', '\ud83dx', '户户', 'a/（', 'abc', '，。', '参保在，'];

describe('snapshot source kept one byte a character (build/latin1Source.mjs)', () => {
  it('escapes wide characters of regular expression literals and keeps what each matches', () => {
    const code = `export const all = [${LITERALS.join(',\n')}];\nconst s = "/（/"; // （ in a comment\n`;
    const out = source.latin1Regexps(code, 'module');
    // only the literals change: the string and the comment keep their characters
    expect(out).toContain('const s = "/（/"; // （ in a comment');
    expect(source.wideCharacters(out.split('\nconst s')[0]!)).toEqual([]);
    const before = new Function(`return [${LITERALS.join(',')}]`)() as RegExp[];
    const rewritten = out.slice(out.indexOf('[') + 1, out.indexOf('];'));
    const after = new Function(`return [${rewritten}]`)() as RegExp[];
    expect(after).toHaveLength(before.length);
    for (const [i, re] of before.entries()) {
      expect(after[i]!.flags).toBe(re.flags);
      expect(after[i]!.source).not.toBe(re.source); // each was rewritten
      for (const s of SAMPLES) expect([LITERALS[i], s, s.replace(after[i]!, '<>')]).toEqual([LITERALS[i], s, s.replace(re, '<>')]);
    }
  });

  it('leaves a script with no wide character in its literals byte for byte as it was', () => {
    const code = 'var a=/x\\/y/g, b=1/2/3, c="（"; if (a) b=/[\\u0F0B]/u;';
    expect(source.latin1Regexps(code, 'script')).toBe(code);
  });

  it("the start-up snapshot's entry holds no character above U+00FF", { timeout: 420_000 }, async () => {
    await serverCommand();
    const entry = path.join(ROOT_DIR, 'dist', 'server-snapshot.cjs');
    expect(source.wideCharacters(await readFile(entry, 'utf8'))).toEqual([]);
  });
});
