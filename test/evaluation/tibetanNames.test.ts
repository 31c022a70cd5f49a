import { describe, expect, it } from 'vitest';
import { knowledge, understandingPipeline } from '../support/services.js';

/** Done when every matter and every office can be found by its Tibetan name: data-driven over the knowledge. */
describe('every matter and office by its Tibetan name', () => {
  it('finds every matter (match, top 1) by its Tibetan title, with lang=bo and without', async () => {
    const kb = await knowledge();
    const u = await understandingPipeline();
    const translated = kb.matters.filter((m) => m.bo !== undefined);
    // every matter carries a Tibetan title; a new matter without one fails here
    expect(kb.matters.length - translated.length, 'matters without a Tibetan title').toBe(0);
    for (const m of translated) {
      for (const lang of ['bo', 'zh'] as const) {
        const found = u.understand(m.bo!.title.text, { lang });
        expect(`${found.outcome} ${found.matches[0]?.matter.no}`, `${m.no} ${m.bo!.title.text}`).toBe(`match ${m.no}`);
      }
    }
  });

  it('finds every office by each of its Tibetan names, also with a particle after it', async () => {
    const kb = await knowledge();
    const u = await understandingPipeline();
    expect(
      kb.offices.filter((o) => o.tibetan.length === 0).map((o) => o.name),
      'offices without a Tibetan name',
    ).toEqual([]);
    // the traditional name ཆབ་མདོ (former 昌都县) is also the prefecture's bare name
    const shared = new Map([['ཆབ་མདོ', '昌都市']]);
    for (const o of kb.offices) {
      for (const t of o.tibetan) {
        const name = t.script.replace(/[\u0F0B\u0F0D\s]+$/u, '');
        // the genitive fuses into a syllable that ends in a vowel (ཆུ → ཆུའི), else it is a syllable of its own
        const genitive = /[\u0F72\u0F74\u0F7A\u0F7C]$/u.test(name) ? `${name}འི` : `${name}་གི`;
        for (const text of [t.script, `${genitive}་སྨན་བཅོས་འགན་སྲུང་ཅུས།`]) {
          const found = u.findOffices(text);
          expect(found.matches[0]?.office.name, text).toBe(shared.get(name) ?? o.name);
        }
      }
    }
  });

  it('finds offices by their Wylie with lang=bo', async () => {
    const kb = await knowledge();
    const u = await understandingPipeline();
    const names = kb.offices.flatMap((o) => o.tibetan.filter((t) => t.wylie !== undefined).map((t) => ({ o, wylie: t.wylie! })));
    const found = names.filter(({ o, wylie }) => u.findOffices(wylie, { lang: 'bo' }).matches.some((m) => m.office === o));
    // research Wylie sometimes spells a name differently from its script
    expect(found.length / names.length).toBeGreaterThanOrEqual(0.9);
  });
});
