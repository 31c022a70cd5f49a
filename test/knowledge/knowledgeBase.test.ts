import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildService } from '../../bot/index.js';
import { loadConfig } from '../../bot/config/config.js';
import { KnowledgeError } from '../../bot/errors/knowledgeError.js';
import { KnowledgeBase } from '../../bot/knowledge/knowledgeBase.js';
import { createLogger } from '../../bot/logging/logger.js';
import { materialLines, readGuide } from '../support/guideText.js';
import { knowledge } from '../support/services.js';

const guide = readGuide();
/** Compare texts regardless of spacing, numbering and full/half-width punctuation. */
const squash = (s: string): string =>
  s
    .normalize('NFKC')
    .replace(/[\s。；;，,、:：.()（）“”"《》①②③④⑤⑥]/g, '')
    .replace(/^\d+/, '');

describe('knowledge base', () => {
  // No count is pinned: adding a matter is one new file under knowledge/matters/.
  it("holds the guide's matters first, in its order, then 31 from the list; numbered 1, 2, 3… with no gap", async () => {
    const kb = await knowledge();
    expect(kb.matters.slice(0, guide.matters.length).map((m) => m.no)).toEqual(guide.matters.map((g) => g.no));
    expect(kb.matters.map((m) => m.no)).toEqual(kb.matters.map((_, i) => i + 1));
    for (const g of guide.matters) expect(kb.matter(g.no)?.title, `matter ${g.no}`).toBe(g.fields.get('事项名称'));
    expect(kb.matter(31)?.title).toBe('职工基本医疗保险个人账户家庭共享');
  });

  describe.each(guide.matters.map((g) => [g.no, g] as const))('matter %i against the guide', (no, g) => {
    it('has the guide unit, audience, process and time limit', async () => {
      const m = (await knowledge()).matter(no)!;
      expect(m.unit.text).toBe(g.fields.get('受理单位'));
      expect(m.audience.text).toBe(g.fields.get('服务对象'));
      expect(squash(m.process.text)).toBe(squash(g.fields.get('办理流程') ?? ''));
      const limit = squash([m.timeLimit.text, ...m.timeLimit.variants.map((v) => v.text)].join(''));
      for (const clause of (g.fields.get('办理时限') ?? '').split(/[，,]/)) expect(limit).toContain(squash(clause));
    });

    it('lists every material of the guide', async () => {
      const m = (await knowledge()).matter(no)!;
      const all = squash(m.materials.map((x) => `${x.name}${x.form ?? ''}${x.conditionText ?? ''}`).join('|'));
      for (const line of materialLines(g.fields.get('办理材料') ?? '')) expect(all, line).toContain(squash(line));
    });

    it('keeps every note of the guide, as a note or a conditional material', async () => {
      const kb = await knowledge();
      const m = kb.matter(no)!;
      const all = squash(
        [
          ...m.notes.map((n) => n.text),
          ...m.materials.map((x) => `${x.name}${x.form ?? ''}|${x.conditionText ?? ''}`),
          ...m.questions.flatMap((q) => q.options.map((o) => `${o.label}|${o.hint ?? ''}`)),
          ...kb.general.delegation.materials.map((x) => x.conditionText ?? ''),
        ].join('|'),
      );
      const notes = g.fields.get('说明事项') ?? '';
      for (const line of materialLines(notes)) {
        // Every clause of every note must be there, wherever the knowledge put it.
        const clauses = line
          .replace(/（下同）/g, '')
          .split(/[①②③④，,；;。]/)
          .filter((c) => squash(c).length > 3 && !/[：:]$/.test(c.trim()));
        for (const clause of clauses) expect(all, clause).toContain(squash(clause));
      }
    });
  });

  it('carries the list codes, spaces removed', async () => {
    const kb = await knowledge();
    const codes: Record<number, string> = { 1: '002036001001', 4: '002036001004', 9: '002036002003', 12: '002036004001', 15: '002036004004' };
    for (const [no, code] of Object.entries(codes)) expect(kb.matter(Number(no))?.code).toBe(code);
    for (const m of kb.matters) if (m.code !== null) expect(m.code).not.toMatch(/\s/);
  });

  it('marks the 户籍所在地 matters and the levels that handle each', async () => {
    const kb = await knowledge();
    const household = kb.matters.filter((m) => m.unit.householdRegistration).map((m) => m.no);
    expect(household).toEqual(guide.matters.filter((g) => g.fields.get('受理单位')?.startsWith('户籍所在地')).map((g) => g.no));
    expect(kb.matter(12)?.unit.levels).toEqual(['region']);
    for (const no of [24, 25, 26, 27, 28]) expect(kb.matter(no)?.unit.levels).toEqual(['region', 'prefecture']);
  });

  it('holds the list-only general notes and the 委托办理 rule', async () => {
    const kb = await knowledge();
    expect(kb.general.notes.map((n) => n.id).sort()).toEqual(['electronicInvoice', 'otherAccount', 'prescription']);
    expect(kb.general.delegation.materials.map((m) => m.name).join()).toContain('授权委托书');
  });
});

describe('knowledge validation', () => {
  async function brokenCopy(edit: (dir: string) => Promise<void>): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kb-'));
    await fs.cp(loadConfig().knowledgeDir, dir, { recursive: true });
    await edit(dir);
    return dir;
  }
  const editMatter = (no: number, change: (m: Record<string, unknown>) => void) => async (dir: string) => {
    const file = path.join(dir, 'matters', `${String(no).padStart(2, '0')}.json`);
    const m = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    change(m);
    await fs.writeFile(file, JSON.stringify(m));
  };

  it.each([
    ['a missing field', editMatter(5, (m) => delete m.materials), /matters\/05\.json \[5\] materials/],
    ['a wrong type', editMatter(7, (m) => (m.timeLimit = 'soon')), /matters\/07\.json \[7\] timeLimit/],
    ['a condition on an unknown question', editMatter(9, (m) => ((m.materials as { when?: unknown }[])[0]!.when = { nope: ['x'] })), /matters\/09\.json \[9\] materials\.[a-z]\w*\.when: 条件引用了不存在的问题 "nope"/],
    ['a question that changes nothing', editMatter(2, (m) => (m.questions as unknown[]).push({ id: 'idle', text: '?', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], source: 'guide:二' })), /questions\.idle: 问题 "idle" 不改变任何答案/],
    ['broken JSON', async (dir: string) => fs.writeFile(path.join(dir, 'lexicon.json'), '{ "terms": ['), /lexicon\.json: 不是有效的 JSON：第 1 行第 13 列/],
    ['a bad phone number', async (dir: string) => {
      const file = path.join(dir, 'offices.json');
      const o = JSON.parse(await fs.readFile(file, 'utf8')) as { offices: { phones: string[] }[] };
      o.offices[3]!.phones = ['call us'];
      await fs.writeFile(file, JSON.stringify(o));
    }, /offices\.json \[.+\] phones\.0: /],
  ])('names the file, item and field for %s', async (_label, edit, message) => {
    const dir = await brokenCopy(edit);
    const err = await KnowledgeBase.load(dir).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(KnowledgeError);
    expect((err as Error).message).toMatch(message);
  });

  it('keeps the service from starting on invalid knowledge', async () => {
    const dir = await brokenCopy(editMatter(3, (m) => (m.no = 'three')));
    const silent = createLogger('silent');
    await expect(buildService({ KNOWLEDGE_DIR: dir }, silent)).rejects.toThrow(/matters\/03\.json/);
  });

  // For editors (kb:check prints the same message): every problem at once, in Chinese, named by ids.
  it('lists every problem, not the first, each at its id rather than an array position', async () => {
    const dir = await brokenCopy(async (d) => {
      await editMatter(4, (m) => ((m.materials as { name?: unknown }[])[1]!.name = ''))(d);
      await editMatter(6, (m) => (m.group = 'nowhere'))(d);
      await editMatter(8, (m) => ((m.materials as { when?: unknown }[])[0]!.when = { nope: ['x'] }))(d);
    });
    const err = (await KnowledgeBase.load(dir).then(() => null, (e: unknown) => e)) as KnowledgeError;
    expect(err).toBeInstanceOf(KnowledgeError);
    const m4 = JSON.parse(await fs.readFile(path.join(dir, 'matters', '04.json'), 'utf8')) as { materials: { id: string }[] };
    // A schema problem stops that file's cross-checks only; the other files are still checked.
    expect(err.problems.map((p) => `${KnowledgeError.at(p)}: ${p.message}`)).toEqual([
      expect.stringMatching(new RegExp(`^matters/04\\.json \\[4\\] materials\\.${m4.materials[1]!.id}\\.name: .*[\\u4e00-\\u9fff]`)),
      'matters/06.json [6] group: 分组 "nowhere" 不存在（见 categories.json）',
      expect.stringMatching(/^matters\/08\.json \[8\] materials\.[a-z]\w*\.when: 条件引用了不存在的问题 "nope"$/),
    ]);
    expect(err.message).toContain('（共 3 处问题）');
  });

  it('gives line and column for broken JSON', async () => {
    // After the stray comma, the } at line 3, column 18 is where a key was expected.
    const dir = await brokenCopy(async (d) => fs.writeFile(path.join(d, 'categories.json'), '{\n  "categories": [\n    { "id": "a", }\n  ]\n}\n'));
    await expect(KnowledgeBase.load(dir)).rejects.toThrow(/^categories\.json: 不是有效的 JSON：第 3 行第 18 列/);
  });

  // offices.json holds phoneText only; the numbers are read from it (the guide comparison in officeResolver.test.ts checks every one).
  it('reads phones from phoneText, and refuses a phone text it cannot read', async () => {
    const dir = await brokenCopy(async (d) => {
      const file = path.join(d, 'offices.json');
      const o = JSON.parse(await fs.readFile(file, 'utf8')) as { offices: { name: string; phoneText: string }[] };
      o.offices[4]!.phoneText = '请拨打 6609963';
      await fs.writeFile(file, JSON.stringify(o, null, 2));
    });
    await expect(KnowledgeBase.load(dir)).rejects.toThrow(/^offices\.json \[[^\]]+\] phoneText: 读不出电话号码："请拨打 6609963"/);
    expect((await knowledge()).offices.find((o) => o.name === '西藏自治区')?.phones).toEqual(['0891-6609963', '0891-6655657']);
  });

  it('says when a phone number has a full-width or Chinese dash in it', async () => {
    const dir = await brokenCopy(async (d) => {
      const file = path.join(d, 'offices.json');
      const o = JSON.parse(await fs.readFile(file, 'utf8')) as { offices: { name: string; phones: string[] }[] };
      o.offices[2]!.phones = ['0891－6609963'];
      await fs.writeFile(file, JSON.stringify(o, null, 2));
    });
    const err = (await KnowledgeBase.load(dir).then(() => null, (e: unknown) => e)) as KnowledgeError;
    expect(err.problems).toHaveLength(1);
    expect(err.message).toMatch(/^offices\.json \[[^\]]+\] phones\.0: .*提示：.*0891－6609963.*半角 "-"/);
  });
});

describe('knowledge/README.md', () => {
  it('lists every discrepancy recorded in the matters (run `npm run kb:readme` after editing them)', async () => {
    const { renderDiscrepancies } = await import('../../bot/knowledge/discrepancyReport.js');
    const kb = await knowledge();
    const readme = await fs.readFile(path.join(loadConfig().knowledgeDir, 'README.md'), 'utf8');
    expect(readme).toContain(renderDiscrepancies(kb));
  });
});
