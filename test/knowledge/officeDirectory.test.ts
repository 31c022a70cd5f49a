import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { KnowledgeError } from '../../bot/errors/knowledgeError.js';
import { KnowledgeBase } from '../../bot/knowledge/knowledgeBase.js';
import { OfficeDirectory } from '../../bot/knowledge/officeDirectory.js';
import type { Office } from '../../bot/knowledge/schema.js';
import { knowledge } from '../support/services.js';

const kb = await knowledge();
const offices = kb.offices;
const directory = kb.directory;

function office(name: string): Office {
  const o = directory.byName(name);
  if (o === undefined) throw new Error(`no office ${name}`);
  return o;
}

describe('OfficeDirectory lookups', () => {
  it('byName takes the directory label or the division', () => {
    expect(directory.byName('拉萨市城关区')?.division).toBe('城关区');
    expect(directory.byName('城关区')?.name).toBe('拉萨市城关区');
    expect(directory.byName('达孜区')?.name).toBe('达孜县');
    expect(directory.byName('达孜县')?.division).toBe('达孜区');
    expect(directory.byName('江孜')).toBeUndefined();
  });

  it('prefectureOf and region', () => {
    expect(directory.region().name).toBe('西藏自治区');
    expect(directory.prefectureOf(office('江孜县')).name).toBe('日喀则市');
    expect(directory.prefectureOf(office('日喀则市')).name).toBe('日喀则市');
    expect(directory.prefectureOf(office('西藏自治区')).name).toBe('西藏自治区');
    expect(directory.prefectureOf(office('拉萨市经开区安监局')).name).toBe('拉萨市');
    for (const o of offices.filter((x) => x.level === 'county')) {
      expect(directory.prefectureOf(o).division).toBe(o.prefecture);
    }
  });
});

describe('OfficeDirectory.forLevels', () => {
  const cases: [string | undefined, ('region' | 'prefecture' | 'county')[], string][] = [
    // handled by the county (or prefecture / region)
    ['江孜县', ['region', 'prefecture', 'county'], '江孜县'],
    ['江孜县', ['county'], '江孜县'],
    // only a prefecture known for a county-only matter: the brief says the region (the dialog asks for the county first)
    ['日喀则市', ['county'], '西藏自治区'],
    ['日喀则市', ['region', 'prefecture', 'county'], '日喀则市'],
    ['拉萨市柳梧新区社会事业局', ['county'], '拉萨市柳梧新区社会事业局'],
    ['拉萨市经开区安监局', ['prefecture', 'county'], '拉萨市经开区安监局'],
    [undefined, ['region', 'prefecture', 'county'], '西藏自治区'],
    // handled by prefecture and region
    ['江孜县', ['region', 'prefecture'], '日喀则市'],
    ['拉萨市经开区安监局', ['prefecture'], '拉萨市'],
    ['那曲市', ['region', 'prefecture'], '那曲市'],
    ['西藏自治区', ['region', 'prefecture'], '西藏自治区'],
    [undefined, ['region', 'prefecture'], '西藏自治区'],
    // handled by the region only
    ['江孜县', ['region'], '西藏自治区'],
    ['日喀则市', ['region'], '西藏自治区'],
    [undefined, ['region'], '西藏自治区'],
  ];
  it.each(cases)('%s with %j → %s', (name, levels, expected) => {
    expect(directory.forLevels(name === undefined ? undefined : office(name), levels).name).toBe(expected);
  });
});

describe('OfficeDirectory hierarchy', () => {
  it('lists the prefectures and, for each, its counties', () => {
    const prefectures = directory.prefectureOffices();
    expect(prefectures.map((p) => p.name)).toEqual(offices.filter((o) => o.level === 'prefecture').map((o) => o.name));
    expect(directory.countiesOf(office('日喀则市')).map((o) => o.name)).toContain('江孜县');
    expect(directory.countiesOf(office('日喀则市')).map((o) => o.name)).not.toContain('城关区');
    // every county is under exactly one prefecture
    const all = prefectures.flatMap((p) => directory.countiesOf(p));
    expect(all.length).toBe(offices.filter((o) => o.level === 'county').length);
    expect(new Set(all).size).toBe(all.length);
    expect(directory.countiesOf(office('江孜县'))).toEqual([]);
  });

  it('is one object, shared by the knowledge with learned examples', () => {
    expect(kb.withExamples(new Map([[1, ['新的说法']]])).directory).toBe(directory);
  });
});

describe('OfficeDirectory checks the hierarchy', () => {
  it('refuses offices without exactly one region, naming the file and field', () => {
    const err = (() => {
      try {
        return new OfficeDirectory(offices.filter((o) => o.level !== 'region'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(KnowledgeError);
    expect((err as KnowledgeError).problems).toContainEqual(expect.objectContaining({ file: 'offices.json', field: 'level' }));
  });

  it('refuses a county under an unknown prefecture, and a name given twice', () => {
    expect(() => new OfficeDirectory(offices.filter((o) => o.name !== '拉萨市'))).toThrow(/所属地市 "拉萨市"/);
    expect(OfficeDirectory.problems([...offices, office('江孜县')])).toEqual([{ message: '机构名称重复', file: 'offices.json', item: '江孜县', field: 'name' }]);
    expect(OfficeDirectory.problems(offices)).toEqual([]);
  });

  it('is what the knowledge base reports at start-up', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'offices-'));
    try {
      await fs.cp(loadConfig().knowledgeDir, dir, { recursive: true });
      const file = path.join(dir, 'offices.json');
      const o = JSON.parse(await fs.readFile(file, 'utf8')) as { offices: Office[] };
      const county = o.offices.find((x) => x.name === '江孜县')!;
      county.prefecture = '不存在市';
      await fs.writeFile(file, JSON.stringify(o));
      const err = await KnowledgeBase.load(dir).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(KnowledgeError);
      expect((err as Error).message).toMatch(/offices\.json \[江孜县\] prefecture: 所属地市 "不存在市"/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
