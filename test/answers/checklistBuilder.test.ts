import { describe, expect, it } from 'vitest';
import { ChecklistBuilder } from '../../bot/answers/checklistBuilder.js';
import type { Answers } from '../../bot/answers/conditions.js';
import type { KnowledgeBase } from '../../bot/knowledge/knowledgeBase.js';
import type { Matter } from '../../bot/knowledge/schema.js';
import { knowledge } from '../support/services.js';

const kb = await knowledge();
const builder = new ChecklistBuilder(kb, kb.directory);

/** Every way a person can answer a matter's questions, following the dialog's own order. */
function paths(matter: Matter): Answers[] {
  const done: Answers[] = [];
  const walk = (answers: Answers): void => {
    const q = builder.nextQuestion(matter, answers);
    if (!q) {
      done.push(answers);
      return;
    }
    const choices = q.multi ? [...q.options.map((o) => [o.id]), q.options.filter((o) => o.id !== 'none').map((o) => o.id)] : q.options.map((o) => [o.id]);
    for (const c of choices) walk({ ...answers, [q.id]: c });
  };
  walk({});
  return done;
}

/** The spec, written independently of the builder: every key answered with one of its options. */
const applies = (when: Record<string, string[]> | undefined, a: Answers): boolean =>
  !when || Object.entries(when).every(([q, opts]) => (a[q] ?? []).some((x) => opts.includes(x)));

const materialsOf = (kbase: KnowledgeBase, m: Matter) => [...m.materials, ...(m.personal ? kbase.general.delegation.materials : [])];

describe.each(kb.matters.map((m) => [m.no, m] as const))('matter %i', (_no, matter) => {
  const all = paths(matter);

  it('reaches every one of its questions', () => {
    const asked = new Set(all.flatMap((a) => Object.keys(a)));
    expect([...asked].sort()).toEqual(
      kb
        .questionsFor(matter)
        .map((q) => q.id)
        .sort(),
    );
  });

  it('lists exactly the materials whose conditions the answers meet', () => {
    for (const answers of all) {
      const c = builder.build(matter, answers, undefined);
      const expected = materialsOf(kb, matter)
        .filter((m) => applies(m.when, answers))
        .map((m) => m.name);
      expect(
        c.materials.map((m) => m.text),
        JSON.stringify(answers),
      ).toEqual(expected);
      const notes = matter.notes.filter((n) => applies(n.when, answers)).map((n) => n.text);
      expect(c.notes.map((n) => n.text).slice(0, notes.length)).toEqual(notes);
    }
  });

  it('has no condition that never changes the checklist', () => {
    const conditional = [...materialsOf(kb, matter), ...matter.notes].filter((x) => x.when);
    for (const x of conditional) {
      const present = all.map((a) => applies(x.when, a));
      expect(present, JSON.stringify(x.when)).toContain(true);
      expect(present, JSON.stringify(x.when)).toContain(false);
    }
  });
});

describe('offices in the answer', () => {
  const office = (name: string) => kb.offices.find((o) => o.name === name)!;
  it.each([
    [12, '江孜县', '西藏自治区'],
    [3, '江孜县', '江孜县'],
    [25, '拉孜县', '日喀则市'],
    [26, '拉萨市城关区', '拉萨市'],
    [28, '巴青县', '那曲市'],
    [9, '林芝市巴宜区', '林芝市巴宜区'],
  ])('matter %i for someone in %s: %s', (no, place, expected) => {
    expect(builder.build(kb.matter(no)!, {}, office(place)).office?.name).toBe(expected);
  });

  it('applies the list remarks where their subject appears', () => {
    const withPrescription = builder.build(kb.matter(17)!, {}, undefined);
    expect(withPrescription.notes.map((n) => n.text)).toContain(kb.general.notes.find((n) => n.id === 'prescription')!.text);
    const noPayment = builder.build(kb.matter(8)!, {}, undefined);
    expect(noPayment.notes.map((n) => n.text)).not.toContain(kb.general.notes.find((n) => n.id === 'otherAccount')!.text);
  });
});
