import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChecklistBuilder, type Checklist } from '../../bot/answers/checklistBuilder.js';
import type { Answers } from '../../bot/answers/conditions.js';
import { ChecklistRenderer } from '../../bot/answers/checklistRenderer.js';
import { loadConfig } from '../../bot/config/config.js';
import { KnowledgeError } from '../../bot/errors/knowledgeError.js';
import { KnowledgeBase } from '../../bot/knowledge/knowledgeBase.js';
import { localizer } from '../support/botHarness.js';
import { knowledge, understandingPipeline } from '../support/services.js';

const kb = await knowledge();
const builder = new ChecklistBuilder(kb, kb.directory);
const renderer = new ChecklistRenderer(await localizer());
const build = (no: number, answers: Answers, lang: 'zh-CN' | 'bo' = 'zh-CN'): Checklist => builder.build(kb.matter(no)!, answers, undefined, lang);
const texts = (c: Checklist): string[] => c.materials.map((m) => m.text);
const material = (no: number, id: string): string => kb.matter(no)!.materials.find((m) => m.id === id)!.name;
const otherAccount = kb.general.notes.find((n) => n.id === 'otherAccount')!;
const guide = await fs.readFile(path.join(loadConfig().knowledgeDir, 'sources', 'service-guide.txt'), 'utf8');

/** Every way the dialog can go through a matter's questions (the builder decides what is asked next). */
function paths(no: number): Answers[] {
  const matter = kb.matter(no)!;
  const done: Answers[] = [];
  const walk = (answers: Answers): void => {
    const q = builder.nextQuestion(matter, answers);
    if (!q) return void done.push(answers);
    const choices = q.multi ? [...q.options.map((o) => [o.id]), q.options.filter((o) => o.id !== 'none').map((o) => o.id)] : q.options.map((o) => [o.id]);
    for (const c of choices) walk({ ...answers, [q.id]: c });
  };
  walk({});
  return done;
}

/**
 * Issue 12 §3: the knowledge says exactly what the two source documents say.
 * Each block reproduces one defect of the audit, so a regression fails here.
 */
describe('source audit (issue 12 §3)', () => {
  it('1. matter 2: the 港澳台 and 外国人 materials only for those joining as 在职职工 (guide 二 说明事项1 ①②)', () => {
    for (const [identity, id] of [['hmt', 'hmtPermit'], ['foreigner', 'foreignerPermit']] as const) {
      expect(texts(build(2, { workerType: ['flexible'], specialIdentity: [identity], delegate: ['self'] }))).not.toContain(material(2, id));
      expect(texts(build(2, { workerType: ['employee'], specialIdentity: [identity], delegate: ['self'] }))).toContain(material(2, id));
    }
    // ③ 出国定居 is not limited to 在职职工.
    expect(texts(build(2, { workerType: ['flexible'], specialIdentity: ['emigrant'], delegate: ['self'] }))).toContain(material(2, 'emigrantDoc'));
    expect(guide).toContain('①港澳台人员参加在职职工医保的');
    expect(guide).toContain('②外国人参加在职职工医保的');
  });

  describe('2. documents the sources name are not out of scope', () => {
    it.each([
      ['外国人参保要带护照吗', 2],
      ['港澳通行证能办职工参保吗', 2],
      ['残疾人参保要带残疾证吗', 3],
      ['准生证要带吗', 20],
      ['生孩子报销要带准生证吗', 20],
    ])('%s → matter %i, not none', async (q, no) => {
      const found = (await understandingPipeline()).understand(q);
      expect(found.outcome, q).not.toBe('none');
      expect(found.matches.map((m) => m.matter.no).slice(0, 3), q).toContain(no);
    });

    it('keeps no document a matter asks for among the out-of-scope words; getting one issued stays out', async () => {
      for (const w of ['护照', '港澳通行证', '残疾证', '准生证']) expect(kb.lexicon.outOfScope).not.toContain(w);
      for (const q of ['残疾证怎么办理', '准生证在哪办']) expect((await understandingPipeline()).understand(q).outcome, q).toBe('none');
    });
  });

  describe('3. every checklist whose materials say 有效身份证件 says what counts as one, with its source', () => {
    const validId = kb.general.validId;
    const withId = kb.matters.filter((m) => m.materials.some((x) => x.name.includes('有效身份证件'))).map((m) => m.no);

    it('in both languages, as data the builder reads', () => {
      expect(withId.length).toBeGreaterThan(15);
      for (const no of withId) {
        const [answers] = paths(no);
        const zh = build(no, answers!);
        if (!zh.materials.some((m) => m.text.includes('有效身份证件'))) continue;
        expect(zh.notes.find((n) => n.text === validId.text), `matter ${no}`).toMatchObject({ cite: validId.cite, source: 'guide:二 说明事项2' });
        const bo = build(no, answers!, 'bo');
        // Matter 2 quotes the definition as its own note, with its own Tibetan; the citation is the same.
        expect(bo.notes.find((n) => n.cite === validId.bo!.cite.text), `matter ${no}`).toBeDefined();
      }
      // A matter that asks for no ID (单位参保登记) does not get it.
      expect(build(1, { unitChange: ['none'] }).notes.map((n) => n.text)).not.toContain(validId.text);
    });

    it('in both renderings: plain text and card, each with the citation', () => {
      const c = build(8, { delegate: ['self'] });
      const card = JSON.stringify(renderer.toCard(c));
      for (const out of [renderer.toText(c), card]) {
        expect(out).toContain(validId.text);
        expect(out).toContain(validId.cite);
      }
      const bo = build(8, { delegate: ['self'] }, 'bo');
      expect(renderer.toText(bo)).toContain(validId.bo!.cite.text);
      expect(guide).toContain('2.有效身份证件包括身份证、居住证、户口簿、护照、港澳居民来往内地通行证、港澳台居民居住证、外国人永久居留证等（下同）');
    });
  });

  it('4. 3 → 22 for every special group is marked as the editors\' inference, and the answer says so', () => {
    const related = kb.matter(3)!.related.find((r) => r.no === 22)!;
    expect(related.judgement).toMatch(/推断/);
    const c = build(3, { insured: ['notNewborn'], specialGroup: ['monastery'], delegate: ['self'] });
    expect(c.related).toEqual([expect.objectContaining({ no: 22, judgement: true })]);
    expect(renderer.toText(c)).toMatch(/第?22|符合资助条件/);
    expect(renderer.toText(c).split('\n').find((l) => l.includes(c.related[0]!.reason))).toContain('编者说明');
  });

  it('5. matter 19: poisoning is not asked for 公检法 proof, which the sources attach only to 外伤 / 意外伤害', () => {
    const poisoningList = build(19, { circumstances: ['poisoning'], delegate: ['self'] });
    const poisoning = texts(poisoningList);
    expect(poisoning).not.toContain(material(19, 'injuryProof'));
    expect(poisoning).not.toContain(material(19, 'injuryPledge'));
    // The 外伤/中毒 form: the guide attaches it to 外伤案件; for poisoning only the editors' pointer, marked as such.
    expect(poisoning).not.toContain(material(19, 'injuryForm'));
    expect(poisoningList.notes.find((n) => n.text.includes('外伤/中毒住院申报审批表'))).toMatchObject({ judgement: true });
    const injuryList = build(19, { circumstances: ['injury'], delegate: ['self'] });
    expect(texts(injuryList)).toEqual(expect.arrayContaining([material(19, 'injuryProof'), material(19, 'injuryForm'), material(19, 'firstCourseRecord')]));
    // Straight from the guide and the list: no editors' mark on any of them.
    expect(injuryList.materials.some((m) => m.judgement)).toBe(false);
    const options = kb.matter(19)!.questions[0]!.options;
    expect(options.find((o) => o.id === 'injury')!.synonyms.some((s) => s.includes('中毒'))).toBe(false);
  });

  it('6. matter 28: no 老红军, which no source names', () => {
    expect(guide).not.toContain('老红军');
    expect(JSON.stringify(kb.matter(28))).not.toContain('老红军');
  });

  it('7. the 《个人承诺书》 note (list 备注3) only where 医保待遇 is paid to a person', () => {
    const has = (c: Checklist): boolean => c.notes.some((n) => n.text === otherAccount.text);
    for (const no of [22, 26, 27]) for (const a of paths(no)) expect(has(build(no, a)), `matter ${no}`).toBe(false);
    expect(has(build(9, { reason: ['death'] }))).toBe(false);
    expect(has(build(9, { reason: ['dismissal'], delegate: ['self'] }))).toBe(false);
    expect(has(build(9, { reason: ['transfer'], delegate: ['self'] }))).toBe(true);
    expect(has(build(19, { circumstances: ['none'], delegate: ['self'] }))).toBe(true);
    // The words are the list's own: shown as （事项清单）, not as the editors' note.
    const note19 = build(19, { circumstances: ['none'], delegate: ['self'] }).notes.find((n) => n.text === otherAccount.text);
    expect(note19).toMatchObject({ fromList: true, judgement: false });
  });

  it('8. the codes of 20–23 are marked as inferred (the list prints 14 digits)', () => {
    for (const no of [20, 21, 22, 23]) {
      const m = kb.matter(no)!;
      expect(m.code).toMatch(/^\d{12}$/);
      expect(m.judgements.code, `matter ${no}`).toMatch(/14位.*推断/);
      expect(m.list!.reconstruction).not.toMatch(new RegExp(`去空格为${m.code}`));
    }
  });

  it('9. matters 2 and 5 show each form once', () => {
    const cases = [
      [2, { workerType: ['employee'], specialIdentity: ['none'], delegate: ['self'] }],
      [5, { workerType: ['employee'], changedFields: ['other'], delegate: ['self'] }],
    ] as const;
    for (const [no, answers] of cases) {
      const forms = texts(build(no, answers)).filter((t) => t.includes('登记表') || t.includes('变更表'));
      expect(forms, `matter ${no}`).toHaveLength(1);
    }
    expect(build(2, { workerType: ['employee'], specialIdentity: ['none'], delegate: ['self'] }).notes.map((n) => n.text).join()).toContain('加盖单位公章');
  });

  it('10. inferences in summaries are marked, and no stale sources.notes pointer is left', () => {
    expect(kb.matter(28)!.judgements.summary).toMatch(/事项清单/);
    expect(kb.matter(2)!.judgements.summary).toMatch(/推断/);
    // 3 and 4 pointed their notes at the flow chart, whose slogan is no note of theirs.
    for (const m of kb.matters) expect(m.sources.notes ?? '', `matter ${m.no}`).not.toContain('办理流程图');
  });

  it('11. the discrepancy table has guide 二 说明事项1, list row 25 拨录 付 and list row 26 without 办理环节', () => {
    expect(kb.matter(2)!.discrepancies.map((d) => d.field)).toContain('notes.specialIdentity');
    expect(kb.matter(26)!.discrepancies.find((d) => d.field === 'process')?.list).toContain('拨录 付');
    expect(kb.matter(27)!.discrepancies.find((d) => d.field === 'process')?.list).toMatch(/未印/);
  });

  it('refuses a general note excepting a question the matter does not have', async () => {
    const dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'kb-'));
    await fs.cp(loadConfig().knowledgeDir, dir, { recursive: true });
    const file = path.join(dir, 'general.json');
    const g = JSON.parse(await fs.readFile(file, 'utf8')) as { notes: { id: string; except: { when: Record<string, string[]> }[] }[] };
    g.notes.find((n) => n.id === 'otherAccount')!.except[0]!.when = { nope: ['death'] };
    await fs.writeFile(file, JSON.stringify(g));
    const err = await KnowledgeBase.load(dir).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(KnowledgeError);
    expect((err as Error).message).toMatch(/general\.json .*otherAccount.*except\.\d+\.when: 条件引用了事项 \d+ 不存在的问题或选项/); // the except is named by its matter
    await fs.rm(dir, { recursive: true, force: true });
  });
});

describe('someone else applies (issue 12 §2)', () => {
  it('a newborn: no 委托 question, no 授权委托书, a note saying the parents apply and the 户口簿 counts as ID', () => {
    const matter = kb.matter(3)!;
    expect(builder.nextQuestion(matter, { insured: ['newborn'], specialGroup: ['none'] })).toBeUndefined();
    expect(builder.nextQuestion(matter, { insured: ['notNewborn'], specialGroup: ['none'] })?.id).toBe('delegate');
    const c = build(3, { insured: ['newborn'], specialGroup: ['none'] });
    for (const d of kb.general.delegation.materials) expect(texts(c)).not.toContain(d.name);
    const note = c.notes.find((n) => n.text.includes('新生儿'))!;
    expect(note).toMatchObject({ judgement: true });
    expect(note.text).toContain('父母');
    expect(c.notes.map((n) => n.text)).toContain(kb.general.validId.text);
    expect(kb.general.validId.text).toContain('户口簿');
    // Nothing the sources do not name: no birth certificate for enrolment.
    expect(JSON.stringify(c)).not.toContain('出生医学证明');
  });

  it('a deceased person: the family claims with the death certificate, without 委托 or the 承诺书 note', () => {
    const c = build(9, { reason: ['death'] });
    expect(builder.nextQuestion(kb.matter(9)!, { reason: ['death'] })).toBeUndefined();
    expect(texts(c)).toEqual(expect.arrayContaining([material(9, 'deathCertificate'), material(9, 'employerInfo')]));
    for (const d of kb.general.delegation.materials) expect(texts(c)).not.toContain(d.name);
    expect(c.notes.find((n) => n.text.includes('家属'))).toMatchObject({ judgement: true });
    expect(JSON.stringify(c)).not.toMatch(/关系证明”|亲属关系证明材料/);
  });

  it('start-up refuses onBehalf in a matter with no 委托 question', async () => {
    const dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'kb-'));
    await fs.cp(loadConfig().knowledgeDir, dir, { recursive: true });
    const file = path.join(dir, 'matters', '01.json');
    const m = JSON.parse(await fs.readFile(file, 'utf8')) as { questions: { options: { onBehalf?: boolean }[] }[] };
    m.questions[0]!.options[0]!.onBehalf = true;
    await fs.writeFile(file, JSON.stringify(m));
    await expect(KnowledgeBase.load(dir)).rejects.toThrow(/matters\/01\.json \[1\] questions\..*onBehalf/);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
