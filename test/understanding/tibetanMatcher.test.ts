import { describe, expect, it } from 'vitest';
import type { BoText, Glossary, Matter, Office } from '../../bot/knowledge/schema.js';
import { TibetanMatcher } from '../../bot/understanding/tibetanMatcher.js';
import { TibetanNormalizer } from '../../bot/understanding/tibetanNormalizer.js';
import { knowledge, understandingPipeline } from '../support/services.js';

const bo = (text: string): BoText => ({ text, status: 'draft', source: 'test' });

/** Small synthetic matters: only what the test names is in them. */
async function synthetic(): Promise<{ matcher: TibetanMatcher; matters: Matter[] }> {
  const kb = await knowledge();
  const base = kb.matters[0]!;
  const blank = (no: number, title: string, boTitle?: string): Matter => ({
    ...base,
    no,
    title,
    heading: undefined,
    category: '类',
    summary: '事',
    keywords: [],
    examples: [],
    qualifiers: [],
    questions: [],
    audience: { text: '人', source: base.audience.source },
    materials: [{ ...base.materials[0]!, name: '表', bo: undefined }],
    bo: boTitle ? { title: bo(boTitle), category: bo('རིགས'), summary: bo('དོན') } : undefined,
  });
  const matters = [
    blank(1, '户口登记', 'ཐེམ་ཐོ་དེབ་ཀྱི་ཐོ་འགོད།'),
    blank(2, '住院报销', 'སྨན་ཁང་དུ་ནད་སྡོད་པའི་འགྲོ་སོང་ཕྱིར་སྤྲོད།'),
    blank(3, '门诊报销', 'ཕྱི་ནད་ཀྱི་འགྲོ་སོང་ཕྱིར་སྤྲོད།'),
    // no Tibetan of its own: found through the glossary term of its Chinese title
    blank(4, '异地就医备案'),
  ];
  const glossary: Glossary = {
    terms: [
      { zh: '异地就医', bo: bo('ས་གཞན་དུ་སྨན་བཅོས་བྱེད་པ།') },
      { zh: '养老保险', bo: bo('རྒས་གསོ་འགན་བཅོལ།') },
    ],
  };
  const lhasa = kb.offices.find((o) => o.name === '拉萨市')!;
  const offices: Office[] = [{ ...lhasa, tibetan: [{ script: 'ལྷ་ས་གྲོང་ཁྱེར།', status: 'verified', source: 'test' }] }];
  const matcher = new TibetanMatcher(
    { matters, glossary, outOfScope: ['养老保险'], offices, normalizeZh: (s) => s },
    new TibetanNormalizer(),
    kb.tuning.matcher,
  );
  return { matcher, matters };
}

const top = (r: { outcome: string; matches: { matter: Matter }[] }): string => `${r.outcome} [${r.matches.map((m) => m.matter.no).join(',')}]`;

describe('TibetanMatcher on synthetic matters', () => {
  it('finds a matter by its title, and through the fused genitive (ཐེམ་ཐོའི meets ཐེམ་ཐོ)', async () => {
    const { matcher } = await synthetic();
    expect(top(matcher.search('ཐེམ་ཐོ་དེབ་ཀྱི་ཐོ་འགོད།'))).toMatch(/^match \[1/);
    expect(matcher.search('ཐེམ་ཐོའི་ཐོ་འགོད་ཇི་ལྟར་བྱེད་དགོས།').matches[0]?.matter.no).toBe(1);
  });

  it('reads the same question typed with other code points alike', async () => {
    const { matcher } = await synthetic();
    const plain = matcher.search('སྨན་ཁང་དུ་ནད་སྡོད་པའི་འགྲོ་སོང་ཕྱིར་སྤྲོད།');
    const typed = matcher.search('\u200Bསྨན༌ཁང་་དུ་ནད་སྡོད་པའི་འགྲོ་སོང་ཕྱིར་སྤྲོད་།');
    expect(typed).toEqual(plain);
    expect(top(plain)).toMatch(/^match \[2/);
  });

  it('says ambiguous when two matters explain the question alike, none when none does', async () => {
    const { matcher } = await synthetic();
    const r = matcher.search('འགྲོ་སོང་ཕྱིར་སྤྲོད།');
    expect(r.outcome).toBe('ambiguous');
    expect(r.matches.map((m) => m.matter.no).sort()).toEqual([2, 3]);
    expect(matcher.search('དེ་རིང་གནམ་གཤིས་ག་འདྲ་འདུག').outcome).toBe('none');
  });

  it('finds a matter without Tibetan through the glossary Tibetan of its Chinese', async () => {
    const { matcher } = await synthetic();
    expect(top(matcher.search('ས་གཞན་དུ་སྨན་བཅོས་བྱེད་པ།'))).toBe('match [4]');
  });

  it('ranks down a question naming an out-of-scope subject from the glossary', async () => {
    const { matcher } = await synthetic();
    const without = matcher.search('ཕྱི་ནད་འགྲོ་སོང་ཕྱིར་སྤྲོད་འགན་བཅོལ།');
    const withOos = matcher.search('ཕྱི་ནད་འགྲོ་སོང་ཕྱིར་སྤྲོད་རྒས་གསོ་འགན་བཅོལ།');
    expect(withOos.matches[0]?.score ?? 0).toBeLessThan((without.matches[0]?.score ?? 0) * 0.6);
  });

  it('reads a place name as neither evidence nor noise', async () => {
    const { matcher } = await synthetic();
    const plain = matcher.search('ཕྱི་ནད་ཀྱི་འགྲོ་སོང་ཕྱིར་སྤྲོད།');
    const placed = matcher.search('ལྷ་ས་གྲོང་ཁྱེར་གྱི་ཕྱི་ནད་ཀྱི་འགྲོ་སོང་ཕྱིར་སྤྲོད།');
    expect(placed.matches.map((m) => [m.matter.no, m.score])).toEqual(plain.matches.map((m) => [m.matter.no, m.score]));
  });

  it('learns a Tibetan example question taught to a matter', async () => {
    const { matcher, matters } = await synthetic();
    const question = 'ཨ་མའི་སྨན་ཁྲ་བརླག་སོང་།';
    expect(matcher.search(question).outcome).toBe('none');
    const taught = matters.map((m) => (m.no === 3 ? { ...m, examples: [question] } : m));
    const relearned = new TibetanMatcher(
      { matters: taught, glossary: { terms: [{ zh: '门诊', bo: bo('ཕྱི་ནད།') }] }, outOfScope: [], offices: [], normalizeZh: (s) => s },
      new TibetanNormalizer(),
      (await knowledge()).tuning.matcher,
    );
    expect(top(relearned.search(question))).toBe('match [3]');
  });

  it('scores in [0, 1], best first, at most five', async () => {
    const { matcher } = await synthetic();
    const { matches } = matcher.search('འགྲོ་སོང་ཕྱིར་སྤྲོད་ཐོ་འགོད་སྨན་བཅོས');
    expect(matches.length).toBeLessThanOrEqual(5);
    matches.forEach((m, i) => {
      expect(m.score).toBeGreaterThanOrEqual(0);
      expect(m.score).toBeLessThanOrEqual(1);
      if (i > 0) expect(m.score).toBeLessThanOrEqual(matches[i - 1]!.score);
    });
  });
});

describe('Understanding with Tibetan, mixed and Wylie messages', () => {
  it('reads Tibetan and Chinese in one message, as one question', async () => {
    const u = await understandingPipeline();
    const mixed = u.understand('ངའི་医保 ཕྱིར་སྤྲོད་ག་རེ་དགོས།');
    expect(mixed.scripts).toEqual({ zh: true, bo: true, wylie: false });
    expect(mixed.outcome).not.toBe('none');
    for (const m of mixed.matches.slice(0, 3)) expect(m.matter.title).toContain('报销');
    // 医保 alone names no matter; with the Tibetan for inpatient costs it names one
    const kb = await knowledge();
    const inpatient = kb.matters.find((m) => m.title === '住院费用报销')!;
    const found = u.understand(`医保 ${inpatient.bo!.title.text}`);
    expect(`${found.outcome} ${found.matches[0]?.matter.no}`).toBe(`match ${inpatient.no}`);
  });

  it('finds the office named in Tibetan inside a mixed message', async () => {
    const u = await understandingPipeline();
    const found = u.understand('我在 རྒྱལ་རྩེ་རྫོང 住院了 ཕྱིར་སྤྲོད');
    expect(found.offices.matches[0]?.office.name).toBe('江孜县');
  });

  it('reads Wylie that looks like Wylie, and leaves Latin words alone', async () => {
    const u = await understandingPipeline();
    const wylie = u.understand("sman khang du nad sdod pa'i 'gro song phyir sprod");
    expect(wylie.scripts.wylie).toBe(true);
    expect(wylie.matches[0]?.matter.title).toBe('住院费用报销');
    for (const q of ['help', 'APP怎么办理', 'ok', 'go']) {
      const found = u.understand(q);
      expect(found.scripts, q).toEqual({ zh: true, bo: false, wylie: false });
    }
    // with lang=bo a short well-formed run is Wylie too
    expect(u.understand("sman bcos 'gan bcol", { lang: 'bo' }).scripts.wylie).toBe(true);
  });

  it('leaves a Chinese question exactly as the Chinese matcher reads it', async () => {
    const u = await understandingPipeline();
    for (const q of ['住院费用怎么报销', '异地就医备案', '公积金怎么取']) {
      const zh = u.understand(q);
      const asBo = u.understand(q, { lang: 'bo' });
      expect(asBo.matches.map((m) => [m.matter.no, m.score])).toEqual(zh.matches.map((m) => [m.matter.no, m.score]));
      expect(zh.scripts.bo).toBe(false);
    }
  });
});
