import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { ROOT_DIR } from '../../bot/config/config.js';
import { Lexicon, Office } from '../../bot/knowledge/schema.js';
import { OfficeDirectory } from '../../bot/knowledge/officeDirectory.js';
import { OfficeResolver } from '../../bot/understanding/officeResolver.js';
import { readGuide } from '../support/guideText.js';

const offices = z.object({ offices: z.array(Office) }).parse(JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'knowledge', 'offices.json'), 'utf8'))).offices;
const { placeBlockers } = Lexicon.parse(JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'knowledge', 'lexicon.json'), 'utf8')));
const directory = new OfficeDirectory(offices);
const resolver = new OfficeResolver(directory, { blockers: placeBlockers });

function office(name: string): Office {
  const o = directory.byName(name);
  if (o === undefined) throw new Error(`no office ${name}`);
  return o;
}

/** the one office the text resolves to, or a description of what it resolved to instead */
function resolvedName(text: string): string {
  const r = resolver.resolve(text);
  return r.outcome === 'match' ? r.matches[0]!.office.name : `${r.outcome}: ${r.matches.map((m) => m.office.name).join(',')}`;
}

/** The guide's directory: "label：phone text" lines after 全区各级医疗保障部门咨询监督电话. */
function guideDirectory(): { label: string; phoneText: string; phones: string[] }[] {
  const lines = readGuide()
    .directory.split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.map((line) => {
    const m = /^(.+?)[：:](.+)$/.exec(line);
    if (!m) throw new Error(`directory line without a colon: ${line}`);
    const phoneText = m[2]!.trim();
    let area = '';
    const phones = phoneText.split(/[,，、]/).map((part) => {
      const p = part.trim().replace(/[—–－]/g, '-');
      const full = /^(0\d{3})-\d{7,8}$/.exec(p);
      if (full) {
        area = full[1]!;
        return p;
      }
      if (/^1\d{10}$/.test(p)) return p;
      if (/^\d{7,8}$/.test(p) && area !== '') return `${area}-${p}`;
      throw new Error(`unreadable phone "${part}" in ${line}`);
    });
    return { label: m[1]!.trim(), phoneText, phones };
  });
}

const PREFECTURES = ['拉萨市', '日喀则市', '山南市', '林芝市', '昌都市', '那曲市', '阿里地区'];

describe('offices.json', () => {
  it('has 1 region, 7 prefectures, and county-level offices (2 special) under them', () => {
    expect(offices.filter((o) => o.level === 'region').map((o) => o.name)).toEqual(['西藏自治区']);
    expect(offices.filter((o) => o.level === 'prefecture').map((o) => o.division)).toEqual(PREFECTURES);
    const counties = offices.filter((o) => o.level === 'county');
    expect(counties).toHaveLength(offices.length - 1 - PREFECTURES.length);
    expect(counties.filter((o) => o.special).map((o) => o.name)).toEqual(['拉萨市柳梧新区社会事业局', '拉萨市经开区安监局']);
    expect(offices.filter((o) => o.special).every((o) => o.prefecture === '拉萨市')).toBe(true);
  });

  it('has unique labels and divisions, and every prefecture names a prefecture office', () => {
    expect(new Set(offices.map((o) => o.name)).size).toBe(offices.length);
    expect(new Set(offices.map((o) => o.division)).size).toBe(offices.length);
    for (const o of offices) {
      if (o.level === 'region') expect(o.prefecture).toBeNull();
      else if (o.level === 'prefecture') expect(o.prefecture).toBe(o.division);
      else expect(PREFECTURES).toContain(o.prefecture);
    }
  });

  it('gives every label, phone text and phone number exactly as the guide prints them, in its order', () => {
    const directory = guideDirectory();
    expect(offices.map((o) => o.name)).toEqual(directory.map((d) => d.label));
    for (const [i, d] of directory.entries()) {
      const o = offices[i]!;
      expect({ name: o.name, phoneText: o.phoneText, phones: o.phones }).toEqual({ name: d.label, phoneText: d.phoneText, phones: d.phones });
      expect(o.source).toBe('guide:咨询监督电话');
    }
  });

  it('keeps the two-number region line and the mobile numbers', () => {
    expect(office('西藏自治区').phones).toEqual(['0891-6609963', '0891-6655657']);
    expect(office('巴青县').phones).toEqual(['18908969669']);
    expect(office('双湖县').phones).toEqual(['17389066455']);
    expect(office('革吉县').phones).toEqual(['13549080328']);
  });

  it('every county-level office sits under the prefecture the directory lists it after', () => {
    let current = '';
    for (const o of offices) {
      if (o.level === 'prefecture') current = o.division;
      if (o.level === 'county') expect(o.prefecture, o.name).toBe(current);
    }
  });

  it('has the current names of renamed divisions, with the old names kept', () => {
    const renames: [string, string, string][] = [
      ['达孜县', '达孜区', '达孜县'],
      ['拉萨市堆龙德庆区', '堆龙德庆区', '堆龙德庆县'],
      ['日喀则市桑珠孜区', '桑珠孜区', '日喀则市'],
      ['山南市乃东区', '乃东区', '乃东县'],
      ['错那县', '错那市', '错那县'],
      ['林芝市巴宜区', '巴宜区', '林芝县'],
      ['米林县', '米林市', '米林县'],
      ['昌都市卡若区', '卡若区', '昌都县'],
      ['那曲市色尼区', '色尼区', '那曲县'],
      ['那曲市', '那曲市', '那曲地区'],
      ['日喀则市', '日喀则市', '日喀则地区'],
      ['山南市', '山南市', '山南地区'],
      ['林芝市', '林芝市', '林芝地区'],
      ['昌都市', '昌都市', '昌都地区'],
    ];
    for (const [name, division, former] of renames) {
      const o = offices.find((x) => x.name === name);
      expect(o?.division, name).toBe(division);
      expect(o?.formerNames, name).toContain(former);
    }
  });

  it('copies Tibetan names from the research table, with their source and status', () => {
    const tsv = fs
      .readFileSync(path.resolve(ROOT_DIR, 'knowledge', 'sources', 'tibet-divisions.research.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '')
      .map((l) => l.split('\t'));
    // names the team composed for offices the table lacks are drafts with a note, never on an office the table covers
    const composed = (t: { source: string }): boolean => t.source.startsWith('draft:');
    for (const o of offices.filter((x) => x.tibetan.some(composed))) {
      expect(o.tibetan.every(composed), o.name).toBe(true);
      for (const t of o.tibetan) {
        expect(t.status, o.name).toBe('draft');
        expect(t.note ?? '', o.name).not.toBe('');
      }
    }
    const all = offices.flatMap((o) => o.tibetan.filter((t) => !composed(t)).map((t) => ({ o, t })));
    // every row of the table lands on exactly one office
    expect(all).toHaveLength(tsv.length);
    for (const cells of tsv) {
      const [, , nameZh, , script, wylie, , , , note, source] = cells.map((c) => c.trim());
      const hit = all.filter(({ o, t }) => (o.division === nameZh || o.formerNames.includes(nameZh!)) && t.source === source && t.wylie === wylie);
      expect(hit, nameZh).toHaveLength(1);
      const t = hit[0]!.t;
      if (script !== '') {
        expect(t.script).toBe(script);
        expect(t.status).toBe('verified');
      } else {
        expect(t.status).toBe('draft');
      }
      expect(t.note ?? '').toBe(note);
    }
    expect(office('达孜区').tibetan.find((t) => t.status === 'draft')?.script).toBe('སྟག་རྩེ་ཆུས');
    expect(office('江孜县').tibetan.map((t) => t.script)).toEqual(['རྒྱལ་རྩེ།']);
  });
});

describe('OfficeResolver.resolve', () => {
  it.each(offices.map((o) => [o.name, o] as const))('finds %s by its directory label', (name, o) => {
    expect(resolver.resolve(name)).toMatchObject({ outcome: 'match', matches: [{ office: o, score: 1 }] });
  });

  it.each(offices.map((o) => [o.division, o] as const))('finds %s by its division name', (division, o) => {
    const r = resolver.resolve(division);
    expect(r.outcome).toBe('match');
    expect(r.matches[0]!.office).toBe(o);
  });

  const aliasCases = offices.flatMap((o) => o.aliases.map((a) => [a, o.name] as const));
  it.each(aliasCases)('finds alias %s → %s', (alias, name) => {
    expect(resolvedName(alias)).toBe(name);
  });

  const formerCases: [string, string][] = [
    ['达孜县', '达孜县'],
    ['堆龙德庆县', '拉萨市堆龙德庆区'],
    ['乃东县', '山南市乃东区'],
    ['错那县', '错那县'],
    ['林芝县', '林芝市巴宜区'],
    ['米林县', '米林县'],
    ['昌都县', '昌都市卡若区'],
    ['那曲县', '那曲市色尼区'],
    ['那曲地区', '那曲市'],
    ['日喀则地区', '日喀则市'],
    ['山南地区', '山南市'],
    ['林芝地区', '林芝市'],
    ['昌都地区', '昌都市'],
    // the former county-level 日喀则市 shares its name with the prefecture: the current name wins
    ['日喀则市', '日喀则市'],
  ];
  it.each(formerCases)('reads the former name %s as %s', (text, name) => {
    expect(resolvedName(text)).toBe(name);
  });

  it('covers every former name in the data', () => {
    const all = offices.flatMap((o) => o.formerNames);
    expect(new Set(all)).toEqual(new Set(formerCases.map(([f]) => f)));
  });

  it('names current divisions by their new names', () => {
    expect(resolvedName('达孜区')).toBe('达孜县');
    expect(resolvedName('米林市')).toBe('米林县');
    expect(resolvedName('错那市')).toBe('错那县');
    expect(resolvedName('色尼区')).toBe('那曲市色尼区');
    expect(resolvedName('城关区')).toBe('拉萨市城关区');
  });

  const nearNames: [string, string][] = [
    ['江孜', '江达'],
    ['萨迦', '萨嘎'],
    ['曲水', '曲松'],
    ['贡嘎', '贡觉'],
    ['洛扎', '洛隆'],
    ['林周', '林芝'],
    ['仲巴', '巴青'],
    ['定日', '定结'],
    ['措美', '措勤'],
    ['札达', '扎囊'],
  ];
  const nearCases = nearNames.flatMap(([a, b]) => [
    [a, b],
    [b, a],
  ]);
  it.each(nearCases)('never reads %s as %s', (a, b) => {
    const own = offices.find((o) => o.aliases.includes(a))!;
    const other = offices.find((o) => o.aliases.includes(b))!;
    for (const text of [a, `${a}${own.level === 'county' ? '县' : ''}`, `我是${a}的`, `${a}医保局电话`]) {
      const r = resolver.resolve(text);
      expect(r.outcome, text).toBe('match');
      expect(r.matches[0]!.office, text).toBe(own);
      expect(
        r.matches.some((m) => m.office === other),
        text,
      ).toBe(false);
    }
  });

  const sentences: [string, string][] = [
    ['我在江孜县，医保局电话多少', '江孜县'],
    ['帮我查下米林的电话', '米林县'],
    ['住在那曲县', '那曲市色尼区'],
    ['我户口在日喀则江孜', '江孜县'],
    ['日喀则', '日喀则市'],
    ['日喀则医保局', '日喀则市'],
    ['林芝县', '林芝市巴宜区'],
    ['那曲县', '那曲市色尼区'],
    ['江孜县医保局', '江孜县'],
    ['江孜医保局的电话', '江孜县'],
    ['朗县医保局', '朗县'],
    ['索县', '索县'],
    ['比如县在哪里', '比如县'],
    ['尼玛县', '尼玛县'],
    ['西藏拉萨城关区', '拉萨市城关区'],
    ['拉萨市城关区医保局', '拉萨市城关区'],
    ['拉萨柳梧新区', '拉萨市柳梧新区社会事业局'],
    ['我在经开区上班', '拉萨市经开区安监局'],
    ['西藏自治区医疗保障局', '西藏自治区'],
    ['自治区医保局电话', '西藏自治区'],
    ['阿里地区医保局', '阿里地区'],
    ['山南地区', '山南市'],
    ['日喀则市桑珠孜区', '日喀则市桑珠孜区'],
    ['堆龙', '拉萨市堆龙德庆区'],
    ['墨竹工卡县', '墨竹工卡县'],
    ['那曲双湖', '双湖县'],
  ];
  it.each(sentences)('reads "%s" as %s', (text, name) => {
    expect(resolvedName(text)).toBe(name);
  });

  it('lets a county beat its own prefecture, with a little more confidence', () => {
    const alone = resolver.resolve('江孜').matches[0]!.score;
    const r = resolver.resolve('我户口在日喀则江孜');
    expect(r.outcome).toBe('match');
    expect(r.matches).toHaveLength(1);
    expect(r.matches[0]!.office.name).toBe('江孜县');
    expect(r.matches[0]!.score).toBeGreaterThan(alone);
  });

  it('is unsure when a county is named with another prefecture', () => {
    const r = resolver.resolve('拉萨江孜');
    expect(r.outcome).toBe('ambiguous');
    expect(r.matches.map((m) => m.office.name)).toEqual(['江孜县', '拉萨市']);
    expect(r.matches[0]!.score).toBeLessThan(resolver.resolve('江孜').matches[0]!.score);
  });

  it('is unsure when several unrelated offices are named, most specific first', () => {
    expect(resolver.resolve('江孜和亚东')).toMatchObject({
      outcome: 'ambiguous',
      matches: [{ office: office('江孜县') }, { office: office('亚东县') }],
    });
    const r = resolver.resolve('拉萨还是林芝巴宜区');
    expect(r.outcome).toBe('ambiguous');
    expect(r.matches.map((m) => m.office.name)).toEqual(['林芝市巴宜区', '拉萨市']);
  });

  it('reads the same office named twice as one', () => {
    expect(resolver.resolve('林芝县也就是巴宜区')).toMatchObject({ outcome: 'match', matches: [{ office: office('巴宜区') }] });
  });

  it('finds nothing when no office is named', () => {
    for (const text of ['', '门诊慢特病怎么办理', '医保局电话多少', '我要报销']) {
      expect(resolver.resolve(text), text).toEqual({ outcome: 'none', matches: [] });
    }
  });

  it('does not read ordinary words as places', () => {
    for (const text of [
      '请在规定日期内办理',
      '确定结算金额',
      '鉴定结论出来了',
      '参加查体',
      '我填错那个表了',
      '阿里健康买的药',
      '我在吉隆坡工作',
      '比如说我要报销',
      '我叫尼玛次仁',
      '新疆维吾尔自治区的医保',
      '我住在城关镇',
    ]) {
      expect(resolver.resolve(text), text).toEqual({ outcome: 'none', matches: [] });
    }
    // …but the place names next to them still count
    expect(resolvedName('在定日县规定日期内')).toBe('定日县');
    expect(resolvedName('参加查体，我是加查县的')).toBe('加查县');
    expect(resolvedName('我在错那一带')).toBe('错那县');
  });

  it('accepts a wrong character with the right sound, with less confidence', () => {
    const r = resolver.resolve('扎达县医保局');
    expect(r.outcome).toBe('match');
    expect(r.matches[0]!.office.name).toBe('札达县');
    expect(r.matches[0]!.matched).toBe('扎达');
    expect(r.matches[0]!.score).toBeLessThan(0.9);
    expect(resolvedName('雅东县')).toBe('亚东县');
    expect(resolvedName('谢同门')).toBe('谢通门县');
  });

  it('does not guess from sound without a 县/区/市 after a two-syllable name, nor for ordinary words', () => {
    for (const text of ['雅东', '买了摩托险', '我家里人', '我不会打字', '拿去']) {
      expect(resolver.resolve(text), text).toEqual({ outcome: 'none', matches: [] });
    }
  });

  it('does not guess from sound when two offices share it', () => {
    // 那曲 is 那曲市 and the former 那曲县 (色尼区)
    expect(resolver.resolve('拿曲市').outcome).toBe('none');
    // a second office that sounds like 札达 stops the guess
    const twin: Office = { ...office('扎囊县'), name: '假想县', division: '假想县', aliases: ['渣哒'], formerNames: [], tibetan: [] };
    const withTwin = new OfficeResolver(new OfficeDirectory([...offices, twin]));
    expect(withTwin.resolve('扎达县').outcome).toBe('none');
    expect(withTwin.resolve('札达县').matches[0]!.office.name).toBe('札达县');
  });

  const tibetanCases: [string, string][] = [
    ['རྒྱལ་རྩེ', '江孜县'],
    ['རྒྱལ་རྩེ།', '江孜县'],
    ['ང་རྒྱལ་རྩེ་ནས་ཡིན།', '江孜县'],
    ['ལྷ་ས་གྲོང་ཁྱེར', '拉萨市'],
    ['ལྷ་ས', '拉萨市'],
    ['གཞིས་ཀ་རྩེ', '日喀则市'],
    ['ཁྲིན་ཀོན་ཆུས', '拉萨市城关区'],
    ['སྟོད་ལུང་བདེ་ཆེན་རྫོང', '拉萨市堆龙德庆区'],
    ['སྟག་རྩེ་ཆུས', '达孜县'],
    ['སྟག་རྩེ', '达孜县'],
    ['འཇོ་མདའ་རྫོང', '江达县'],
    ['གོ་འཇོ་རྫོང', '贡觉县'],
    ['ཉིང་ཁྲི་རྫོང', '林芝市巴宜区'],
    ['ཉིང་ཁྲི', '林芝市'],
    ['ནག་ཆུ་རྫོང', '那曲市色尼区'],
    ['ནག་ཆུ', '那曲市'],
    ['ཆབ་མདོ', '昌都市'],
    ['མཁར་རོ་ཆུས', '昌都市卡若区'],
    ['རྩྭ་མདའ་རྫོང', '札达县'],
    ['གཉན་རོང', '聂荣县'],
    ['སྙན་རོང་རྫོང', '聂荣县'],
    ['བོད་རང་སྐྱོང་ལྗོངས', '西藏自治区'],
    ['ལྷ་ས་དང་རྒྱལ་རྩེ', 'ambiguous: 江孜县,拉萨市'],
  ];
  it.each(tibetanCases)('finds the Tibetan name %s → %s', (text, name) => {
    expect(resolvedName(text)).toBe(name);
  });

  it('finds every Tibetan script that names one office alone', () => {
    const shared = new Map([
      // the traditional name ཆབ་མདོ (former 昌都县) is also the prefecture's bare name
      ['ཆབ་མདོ།', '昌都市'],
    ]);
    for (const o of offices) {
      for (const t of o.tibetan) {
        expect(resolvedName(t.script), t.script).toBe(shared.get(t.script) ?? o.name);
      }
    }
  });

  it('matches Tibetan names on whole syllables only', () => {
    // ལྷ་སྟེ is not ལྷ་ས
    expect(resolver.resolve('ལྷ་སྟེ').outcome).toBe('none');
  });
});
