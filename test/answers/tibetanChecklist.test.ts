import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChecklistBuilder } from '../../bot/answers/checklistBuilder.js';
import { ChecklistRenderer } from '../../bot/answers/checklistRenderer.js';
import type { Answers } from '../../bot/answers/conditions.js';
import type { Matter } from '../../bot/knowledge/schema.js';
import { localizer } from '../support/botHarness.js';
import { knowledge } from '../support/services.js';

const kb = await knowledge();
const offices = kb.directory;
const builder = new ChecklistBuilder(kb, offices);
const l10n = await localizer();
const renderer = new ChecklistRenderer(l10n);
const allowList = JSON.parse(await fs.readFile(path.join(import.meta.dirname, '..', 'dialogs', 'hanAllowList.json'), 'utf8')) as {
  entries: { text: string }[];
};
const han = (s: string): string[] => allowList.entries.reduce((x, e) => x.split(e.text).join(''), s).match(/\p{Script=Han}/gu) ?? [];
const county = kb.offices.find((o) => o.name === '江孜县')!;
const clone = <T>(x: T): T => structuredClone(x);

/** Every set of answers the dialog can reach, one option at a time (several-answer questions: each option, and all). */
function reachable(m: Matter): Answers[] {
  const out: Answers[] = [];
  const walk = (answers: Answers): void => {
    const q = builder.nextQuestion(m, answers);
    if (!q) return void out.push(answers);
    const named = q.options.filter((o) => o.id !== 'none').map((o) => o.id);
    for (const c of [...q.options.map((o) => [o.id]), ...(q.multi ? [named] : [])]) walk({ ...answers, [q.id]: c });
  };
  walk({});
  return out;
}

describe.each(kb.matters.map((m) => [m.no, m] as const))('matter %i in Tibetan', (_no, m) => {
  it('has Tibetan for every line of every reachable checklist, and the rendered text and card hold no Chinese characters', () => {
    for (const answers of reachable(m)) {
      const c = builder.build(m, answers, county, 'bo');
      expect(c.untranslated, JSON.stringify(answers)).toEqual([]);
      expect(c.lang).toBe('bo');
      expect(han(renderer.toText(c)), JSON.stringify(answers)).toEqual([]);
      expect(han(JSON.stringify(renderer.toCard(c).content))).toEqual([]);
    }
  });
});

describe('Tibetan checklist rendering', () => {
  const m = kb.matter(19)!;

  it('falls back to the Chinese where no Tibetan exists, labelled as the Chinese original', () => {
    const broken = clone(m);
    delete broken.materials[0]!.bo;
    const c = builder.build(broken, {}, county, 'bo');
    expect(c.untranslated).toEqual([m.materials[0]!.name]);
    expect(c.materials[0]!.text).toBe(m.materials[0]!.name);
    expect(renderer.toText(c)).toContain(`${m.materials[0]!.name}${l10n.t('bo', 'untranslated')}`);
  });

  it('ends with one draft notice when any Tibetan in it is a draft, and none when every string is verified', () => {
    const drafty = builder.build(m, {}, county, 'bo');
    expect(drafty.draft).toBe(true);
    expect(renderer.toText(drafty).trimEnd().endsWith(l10n.t('bo', 'draftNotice'))).toBe(true);
    expect(renderer.toText(drafty).split(l10n.t('bo', 'draftNotice'))).toHaveLength(2);

    // A matter whose every string (and the general notes and office name it shows) is verified.
    const verifiedKb = clone({ general: kb.general, matters: kb.matters });
    const verify = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(verify);
      else if (x && typeof x === 'object') {
        const o = x as Record<string, unknown>;
        if (o.status === 'draft') o.status = 'verified';
        Object.values(o).forEach(verify);
      }
    };
    verify(verifiedKb);
    const region = kb.offices.find((o) => o.level === 'region')!;
    expect(region.tibetan[0]!.status).toBe('verified');
    const fake = {
      ...kb,
      general: verifiedKb.general,
      matter: (no: number) => verifiedKb.matters.find((x) => x.no === no),
      questionsFor: kb.questionsFor.bind(kb),
    };
    const clean = new ChecklistBuilder(fake as never, offices).build(
      verifiedKb.matters.find((x) => x.no === 12)!,
      {},
      region,
      'bo',
    );
    expect(clean.draft).toBe(false);
    expect(renderer.toText(clean)).not.toContain(l10n.t('bo', 'draftNotice'));
  });

  it('leaves the Chinese checklist as it was: Chinese texts, no draft notice, nothing untranslated', () => {
    const c = builder.build(m, {}, county);
    expect(c.lang).toBe('zh-CN');
    expect(c.title).toBe(m.title);
    expect(c.materials.map((x) => x.text)).toEqual(m.materials.filter((x) => !x.when).map((x) => x.name));
    expect([c.draft, c.untranslated]).toEqual([false, []]);
    expect(c.officeName).toBe(county.name);
  });
});

describe('answers already given in a Tibetan opening message', () => {
  const normalize = (s: string): string => s.normalize('NFKC').toLowerCase();
  const cases = kb.matters.flatMap((m) =>
    kb
      .questionsFor(m)
      .filter((q) => !q.multi)
      .flatMap((q) =>
        q.options
          .filter((o) => o.id !== 'none')
          // Counts only when no other option is named too (by its Tibetan label or search words) in the title and label.
          .filter((o) => {
            const said = `${m.bo!.title.text} ${o.bo!.label.text}`;
            const words = (x: typeof o): string[] => [x.bo!.label.text, ...(x.bo!.searchTerms ?? []).map((t) => t.text)].map((w) => w.replace(/[།་\s]+$/u, ''));
            return !q.options.some((x) => x !== o && x.id !== 'none' && words(x).some((w) => said.includes(w)));
          })
          .map((o) => [m.no, q.id, o.id, m, o.bo!.label.text] as const),
      ),
  );

  it('covers most options', () => expect(cases.length).toBeGreaterThan(40));

  it.each(cases)('matter %i: %s = %s from its Tibetan label', (_no, qid, oid, m, label) => {
    const answers = builder.answersIn(m, `${m.bo!.title.text} ${label}`, normalize);
    expect(answers[qid]).toEqual([oid]);
  });
});
