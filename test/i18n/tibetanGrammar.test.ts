import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { officeName } from '../../bot/answers/knowledgeText.js';
import { loadConfig } from '../../bot/config/config.js';
import { keysOf, Localizer } from '../../bot/i18n/localizer.js';
import type { Office } from '../../bot/knowledge/schema.js';

/**
 * Every office's Tibetan name × every Tibetan template that interpolates a place, matter or
 * person, rendered through the real Localizer (issue 16): whatever follows a name must be a
 * tsheg and a particle of the right allomorph, a fused particle on a vowel-final name, a
 * shad, a quote or a space; never a syllable glued to the name.
 */
const config = loadConfig();
const l10n = await Localizer.load(config.localesDir);
const offices = (JSON.parse(await fs.readFile(path.join(config.knowledgeDir, 'offices.json'), 'utf8')) as { offices: Office[] }).offices;

/** the variables that carry a place, a matter or a person */
const NAME_VARS = ['name', 'prefecture', 'title', 'label'];
const OTHER: Record<string, string> = { phones: '0891-6609963། 0891-6655657', id: 'e1f2a3', no: '3' };

const templates: Array<{ key: string; template: string }> = [];
for (const ns of l10n.namespaces) {
  const data = JSON.parse(await fs.readFile(path.join(config.localesDir, 'bo', `${ns}.json`), 'utf8')) as unknown;
  for (const key of keysOf(data)) {
    const template = key.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], data);
    if (typeof template === 'string' && NAME_VARS.some((v) => new RegExp(`\\{\\{${v}[,}]`).test(template))) templates.push({ key: `${ns}:${key}`, template });
  }
}

/** each name as stored (with whatever tsheg or shad it ends in) and as the bot shows it */
const names = [...new Set(offices.flatMap((o) => [...o.tibetan.map((t) => t.script), officeName(o, 'bo').text]))];
/** the pages fill web.json and review.json themselves ({{x}} only, web/js/i18n.js): they get names as the server shows them */
const CLIENT_NAMESPACES = new Set(['web', 'review']);
const shownNames = [...new Set(offices.map((o) => officeName(o, 'bo').text))];

// The grammar, written out independently of the helper under test.
const VOWEL_SIGNS = /[\u0F71-\u0F7D\u0F80\u0F81]$/u;
const SUBJOINED = /[\u0F90-\u0FBC]$/u;
function finalOf(word: string): string {
  const syllable = word.split('་').at(-1)!;
  if (VOWEL_SIGNS.test(syllable) || SUBJOINED.test(syllable) || [...syllable].length === 1 || syllable.endsWith('འ')) return 'V';
  return syllable.at(-1)!;
}
const bySuffix = (gagna: string, dabsa: string, namral: string, vowel: string): Record<string, string> => ({
  ག: gagna,
  ང: gagna,
  ད: dabsa,
  བ: dabsa,
  ས: dabsa,
  ན: namral,
  མ: namral,
  ར: namral,
  ལ: namral,
  V: vowel,
});
const EXPECTED: Record<string, Record<string, string>> = {
  gen: bySuffix('གི', 'ཀྱི', 'གྱི', 'འི'),
  agt: bySuffix('གིས', 'ཀྱིས', 'གྱིས', 'ས'),
  ladon: { ...bySuffix('དུ', 'དུ', 'དུ', 'ར'), ག: 'ཏུ', བ: 'ཏུ', ས: 'སུ' },
  quot: { ...bySuffix('ཞེས', 'ཅེས', 'ཞེས', 'ཞེས'), ག: 'ཅེས', ས: 'ཤེས' },
  also: { ...bySuffix('ཡང', 'ཀྱང', 'ཡང', 'ཡང'), ག: 'ཀྱང' },
};
/** after a closing quote nothing fuses: a vowel takes the syllable ཡི / ཡིས / རུ */
const AFTER_QUOTE_VOWEL: Record<string, string> = { gen: 'ཡི', agt: 'ཡིས', ladon: 'རུ', quot: 'ཞེས', also: 'ཡང' };
const FAMILY = new Map<string, string>(
  Object.entries({ gen: 'གི ཀྱི གྱི འི ཡི', agt: 'གིས ཀྱིས གྱིས འིས ཡིས', ladon: 'སུ རུ དུ ཏུ', quot: 'ཅེས ཞེས ཤེས', also: 'ཀྱང ཡང འང' }).flatMap(([f, forms]) =>
    forms.split(' ').map((p): [string, string] => [p, f]),
  ),
);
const nextSyllable = (s: string): string => /^[^་།\s”“（）：]*/u.exec(s)![0];

/** What is wrong where `bare` (a name without trailing tsheg or shad) stands in `out`. */
function problems(out: string, bare: string): string[] {
  const found: string[] = [];
  if (out.includes('་་')) found.push('double tsheg');
  if (/[^ང]་།/u.test(out)) found.push('tsheg before a shad not after ང');
  if (/ང།/u.test(out)) found.push('ང before a shad without a tsheg');
  const final = finalOf(bare);
  let at = out.indexOf(bare);
  if (at < 0) found.push('name missing');
  while (at >= 0) {
    const rest = out.slice(at + bare.length);
    const head = rest[0] ?? '';
    if (head === '་') {
      const p = nextSyllable(rest.slice(1));
      const family = FAMILY.get(p);
      if (family && final === 'V' && ['gen', 'agt', 'ladon'].includes(family)) found.push(`${p} after a vowel-final name should fuse`);
      else if (family && EXPECTED[family]![final] !== p) found.push(`${p} after final ${final}, expected ${EXPECTED[family]![final]}`);
    } else if (/^[\u0F40-\u0FBC]/u.test(head)) {
      const fused = nextSyllable(rest);
      if (!(final === 'V' && ['འི', 'ས', 'ར'].includes(fused))) found.push(`"${fused}" glued to the name without a tsheg`);
    } else if (head === '”') {
      const p = nextSyllable(rest.slice(1));
      const family = FAMILY.get(p);
      const expected = family && (final === 'V' ? AFTER_QUOTE_VOWEL[family] : EXPECTED[family]![final]);
      if (family && expected !== p) found.push(`${p} after a quoted final ${final}, expected ${expected}`);
    }
    at = out.indexOf(bare, at + 1);
  }
  return found;
}

describe('Tibetan grammar of every template × every office name', () => {
  it('finds the templates and names to check', () => {
    expect(templates.length).toBeGreaterThanOrEqual(12);
    expect(names.length).toBeGreaterThanOrEqual(84);
  });

  it.each(templates)('$key', ({ key, template }) => {
    const vars = Object.fromEntries([...template.matchAll(/\{\{(\w+)/g)].map(([, v]) => [v!, OTHER[v!] ?? 'ཡིག་ཆ']));
    const failures: string[] = [];
    for (const name of CLIENT_NAMESPACES.has(key.split(':')[0]!) ? shownNames : names) {
      const bare = name.replace(/[\s་།]+$/u, '');
      const out = l10n.t('bo', key, { ...vars, ...Object.fromEntries(NAME_VARS.map((v) => [v, name])) });
      for (const p of problems(out, bare)) failures.push(`${name}: ${p} in "${out}"`);
    }
    expect(failures).toEqual([]);
  });

  it('holds no double tsheg, no tsheg before a shad except after ང, and no ང before a shad without one, in any Tibetan string', async () => {
    const bad: string[] = [];
    for (const ns of l10n.namespaces) {
      const data = JSON.parse(await fs.readFile(path.join(config.localesDir, 'bo', `${ns}.json`), 'utf8')) as unknown;
      for (const key of keysOf(data)) {
        const value = key.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], data);
        for (const text of Array.isArray(value) ? value.map(String) : [String(value)]) {
          if (/་་|[^ང]་།|ང།/u.test(text)) bad.push(`${ns}:${key}: ${text}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('catches what the old templates did (the check can fail)', () => {
    expect(problems('མི་ངོ་མ་དང་གྲོས་བསྡུར་དགོས་ན་རྒྱལ་རྩེཡི་སྨན་བཅོས', 'རྒྱལ་རྩེ')).toEqual(['"ཡི" glued to the name without a tsheg']);
    expect(problems('བོད་རང་སྐྱོང་ལྗོངས་འི་སྨན', 'བོད་རང་སྐྱོང་ལྗོངས')).toEqual(['འི after final ས, expected ཀྱི']);
    expect(problems('རྒྱལ་རྩེ་ཡི་སྨན', 'རྒྱལ་རྩེ')).toEqual(['ཡི after a vowel-final name should fuse']);
    expect(problems('སྣང་རྫོང།', 'སྣང་རྫོང')).toEqual(['ང before a shad without a tsheg']);
    expect(problems('ལྗོངས་་ཀྱི', 'ལྗོངས')).toContain('double tsheg');
    expect(problems('ལྗོངས་། ཡིན', 'ལྗོངས')).toContain('tsheg before a shad not after ང');
  });

  it('renders the cases the issue names', () => {
    expect(l10n.t('bo', 'bot:human', { name: 'རྒྱལ་རྩེ།', phones: '0892-1234567' })).toContain('རྒྱལ་རྩེའི་སྨན་བཅོས');
    expect(l10n.t('bo', 'bot:human', { name: 'བོད་རང་སྐྱོང་ལྗོངས', phones: '0891-6609963' })).toContain('བོད་རང་སྐྱོང་ལྗོངས་ཀྱི་སྨན་བཅོས');
    expect(l10n.t('bo', 'bot:usePlace', { name: 'རྒྱལ་རྩེ།' })).toBe('རྒྱལ་རྩེ་ཡིན།');
    expect(l10n.t('bo', 'bot:whichCounty', { prefecture: 'ལྷ་ས་གྲོང་ཁྱེར།' })).toMatch(/^ལྷ་ས་གྲོང་ཁྱེར་གྱི་འོག་ཏུ་/u);
    // the button the earlier-place prompt names is the button it offers
    const button = l10n.t('bo', 'bot:usePlace', { name: 'སྣང་རྫོང' });
    expect(l10n.t('bo', 'bot:earlierPlace', { name: 'སྣང་རྫོང' })).toContain(`“${button}”`);
    // Chinese keeps its own templates untouched
    expect(l10n.t('zh-CN', 'bot:usePlace', { name: '江孜县' })).toBe('就是江孜县');
  });
});
