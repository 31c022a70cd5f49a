import { describe, expect, it } from 'vitest';
import { knowledge, understandingPipeline } from '../support/services.js';

/**
 * Issue 12 §3: the knowledge says exactly what the two source documents say.
 * Each block reproduces one defect of the audit, so a regression fails here.
 */
describe('source audit (issue 12 §3)', () => {
  describe('documents the sources name are not out of scope (defect 2)', () => {
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

    it('keeps no document a matter asks for in the out-of-scope words', async () => {
      const kb = await knowledge();
      for (const w of ['护照', '港澳通行证', '残疾证', '准生证']) expect(kb.lexicon.outOfScope).not.toContain(w);
    });
  });
});
