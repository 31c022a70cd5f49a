import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../bot/config/config.js';
import { Evaluator, QuestionSet, barsFor, langFor } from '../../bot/evaluation/evaluator.js';
import { understandingPipeline } from '../support/services.js';

const dir = path.join(ROOT_DIR, 'test', 'eval');
const sets = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('labelled question sets', () => {
  it('exist, with enough questions', () => {
    expect(sets.length).toBeGreaterThanOrEqual(2);
    const total = sets.reduce((n, f) => n + QuestionSet.parse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))).length, 0);
    expect(total).toBeGreaterThanOrEqual(200);
  });

  it('include Tibetan development and held-out sets with out-of-scope and office questions', () => {
    for (const file of ['questions.bo.json', 'holdout.bo.json']) {
      expect(sets).toContain(file);
      const set = QuestionSet.parse(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
      expect(set.filter((q) => q.outcome === 'none').length, file).toBeGreaterThanOrEqual(5);
      expect(set.filter((q) => q.office !== null).length, file).toBeGreaterThanOrEqual(10);
      expect(set.filter((q) => /[\u0F40-\u0FBC]/u.test(q.q)).length / set.length, file).toBeGreaterThan(0.8);
      expect(langFor(file)).toBe('bo');
    }
  });

  it.each(sets)('%s meets every bar', async (file) => {
    const set = QuestionSet.parse(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
    const report = new Evaluator(await understandingPipeline()).run(set, langFor(file));
    const failed = Evaluator.meets(report, barsFor(file));
    expect(failed, JSON.stringify(report.misses.slice(0, 15), null, 1)).toEqual([]);
  });
});
