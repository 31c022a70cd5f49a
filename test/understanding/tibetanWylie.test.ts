import jsEWTS from 'jsewts';
import { describe, expect, it } from 'vitest';
import { TibetanWylie } from '../../bot/understanding/tibetanWylie.js';
import { knowledge } from '../support/services.js';

const w = new TibetanWylie();

describe('TibetanWylie', () => {
  it('converts well-formed EWTS', () => {
    expect(w.runs("sman bcos 'gan bcol").map((r) => r.tibetan)).toEqual(['སྨན་བཅོས་འགན་བཅོལ']);
    expect(w.runs("lha sa'i sman khang")[0]?.syllables).toEqual(['ལྷ', 'སའི', 'སྨན', 'ཁང']);
  });

  it.each(['help', 'APP', 'ok', 'test', 'hello world', 'wifi', 'xyz'])('leaves "%s" alone', (latin) => {
    expect(w.runs(latin)).toEqual([]);
  });

  it('finds the Wylie run inside Chinese and leaves a Latin word beside it', () => {
    const runs = w.runs('APP里 sman bcos 怎么办');
    expect(runs.map((r) => r.latin)).toEqual(['sman bcos']);
  });

  it('reads back the Wylie of every Tibetan office name the knowledge records', async () => {
    const names = (await knowledge()).offices.flatMap((o) => o.tibetan.filter((t) => t.wylie !== undefined));
    expect(names.length).toBeGreaterThan(50);
    const unread = names.filter((t) => w.runs(t.wylie!).length !== 1);
    // a few research spellings use EWTS beyond what people type (capitals, stacking marks)
    expect(unread.length, unread.map((t) => t.wylie).join(', ')).toBeLessThanOrEqual(names.length * 0.1);
    for (const t of names) {
      const run = w.runs(t.wylie!)[0];
      if (run) expect(run.tibetan).toBe(jsEWTS.fromWylie(t.wylie!));
    }
  });
});
