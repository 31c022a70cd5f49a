import { describe, expect, it } from 'vitest';
import { CrossValidator } from '../../bot/evaluation/crossValidator.js';
import { Evaluator, type LabelledQuestion } from '../../bot/evaluation/evaluator.js';
import { Understanding, type UnderstandingKnowledge } from '../../bot/understanding/understanding.js';
import { knowledge } from '../support/services.js';

/** a situation no matter's vocabulary knows: only the example classifier can place it */
const TAUGHT = '鑫淼犇骉焱垚';
const OTHER = '雥猋羴毳灥厵';

/** both phrases taught as situations of matter 5, as the development sets are, and the set that asks them */
async function taughtTwice(): Promise<{ taught: UnderstandingKnowledge; set: LabelledQuestion[] }> {
  const kb = await knowledge();
  const taught = {
    matters: kb.matters.map((m) => (m.no === 5 ? { ...m, situations: [...m.situations, TAUGHT, OTHER] } : m)),
    lexicon: kb.lexicon,
    offices: kb.offices,
    directory: kb.directory,
    glossary: kb.glossary,
    tuning: kb.tuning,
  };
  const set: LabelledQuestion[] = [TAUGHT, OTHER].map((q) => ({ q, expect: [5], outcome: 'match', office: null, tags: [] }));
  return { taught, set };
}

describe('CrossValidator', () => {
  it('asks each fold of a pipeline trained without its wording, which plain evaluation does not', async () => {
    const { taught, set } = await taughtTwice();

    // trained on the question itself: found
    const seen = new Evaluator(new Understanding(taught)).run(set, 'zh');
    expect(seen.accuracyAt1).toBe(1);

    // two folds: each phrase is asked of a pipeline that never saw it (and shares no character with the other)
    const unseen = new CrossValidator(taught).run(set, 'zh', 2);
    expect(unseen.questions).toBe(2);
    expect(unseen.accuracyAt1).toBe(0);
    expect(unseen.inScopeNone).toBe(1);
  });

  it("asks a whole writer's set of a pipeline trained without any of it (leave-one-writer-out)", async () => {
    const { taught, set } = await taughtTwice();
    const r = new CrossValidator(taught).heldOut(set, 'zh');
    expect(r.questions).toBe(2);
    // neither phrase is known once the writer's own questions are gone
    expect(r.accuracyAt1).toBe(0);
    expect(r.inScopeNone).toBe(1);
  });

  it('merges the folds, each rate weighted by what it counts', async () => {
    const kb = await knowledge();
    const set: LabelledQuestion[] = [
      { q: '单位参保登记要带什么', expect: [1], outcome: 'match', office: null, tags: [] },
      { q: '异地转诊人员备案怎么办', expect: [15], outcome: 'match', office: null, tags: [] },
      { q: '今天拉萨天气怎么样', expect: [], outcome: 'none', office: null, tags: [] },
    ];
    const r = new CrossValidator(kb).run(set, 'zh', 3);
    expect(r.questions).toBe(3);
    expect(r.inScope).toBe(2);
    expect(r.outOfScope).toBe(1);
    expect(r.accuracyAt1).toBe(1);
    expect(r.rejection).toBe(1);
  });
});
