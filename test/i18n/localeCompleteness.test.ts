import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { keysOf, LANGS } from '../../bot/i18n/localizer.js';
import { localeStrings, readLocaleReview } from '../../bot/knowledge/tibetanStrings.js';

const dir = loadConfig().localesDir;
const namespacesOf = async (lang: string): Promise<string[]> => (await fs.readdir(path.join(dir, lang))).filter((f) => f.endsWith('.json')).sort();
const review = (await readLocaleReview(dir)) as Awaited<ReturnType<typeof readLocaleReview>> & {
  sameAsChinese?: Record<string, string>;
  hanAllowed?: Record<string, string>;
};
const strings = await localeStrings(dir);
const zhNamespaces = await namespacesOf('zh-CN');
/** An exception of bo.review.json names a key (namespace:key) or an exact Tibetan value. */
const excepted = (list: Record<string, string> | undefined, s: { id: string; text: string }): boolean => Boolean(list?.[s.id] ?? list?.[s.text]);
/** letters a translation must change; {{placeholders}} are not text */
const hasLetters = (s: string): boolean => /\p{L}/u.test(s.replace(/\{\{\w+\}\}/g, ''));

describe('locale completeness (zh-CN ↔ bo)', () => {
  it('has the same namespace files in both languages', async () => {
    const [zh, bo] = await Promise.all(LANGS.map(namespacesOf));
    expect(bo).toEqual(zh);
  });

  it.each(zhNamespaces)('%s: every key of either language exists in the other', async (ns) => {
    const [zh, bo] = await Promise.all(LANGS.map(async (l) => new Set(keysOf(JSON.parse(await fs.readFile(path.join(dir, l, ns), 'utf8'))))));
    expect(
      [...zh!].filter((k) => !bo!.has(k)),
      `keys missing in bo/${ns}`,
    ).toEqual([]);
    expect(
      [...bo!].filter((k) => !zh!.has(k)),
      `keys missing in zh-CN/${ns}`,
    ).toEqual([]);
  });

  it('has no empty Tibetan value, and none left as the Chinese unless it holds no letters', () => {
    expect(strings.length).toBeGreaterThan(50);
    expect(strings.filter((s) => s.text.trim() === '').map((s) => s.id)).toEqual([]);
    const same = strings.filter((s) => s.text === s.zh && hasLetters(s.text) && !excepted(review.sameAsChinese, s));
    expect(same.map((s) => `${s.id}: ${s.text}`)).toEqual([]);
  });

  it('has no Chinese characters in a Tibetan value, outside the reviewed exceptions of bo.review.json', () => {
    const han = strings.filter((s) => /\p{Script=Han}/u.test(s.text) && !excepted(review.hanAllowed, s));
    expect(han.map((s) => `${s.id}: ${s.text}`)).toEqual([]);
  });

  it('names only existing keys among its verified strings, and exceptions that still apply', () => {
    const ids = new Set(strings.map((s) => s.id));
    expect(Object.keys(review.verified).filter((id) => !ids.has(id))).toEqual([]);
    const known = new Set([...ids, ...strings.map((s) => s.text)]);
    const exceptions = [...Object.keys(review.sameAsChinese ?? {}), ...Object.keys(review.hanAllowed ?? {})];
    expect(exceptions.filter((x) => !known.has(x))).toEqual([]);
  });
});
