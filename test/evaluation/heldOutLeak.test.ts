import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../bot/config/config.js';
import { QuestionSet } from '../../bot/evaluation/evaluator.js';
import { knowledge } from '../support/services.js';

/** how two wordings are compared: width, case, spaces, punctuation and Tibetan tsheg / shad folded away */
const folded = (q: string): string =>
  q
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}\u0F0B-\u0F14]/gu, '');

const dir = path.join(ROOT_DIR, 'test', 'eval');
const heldOut = fs
  .readdirSync(dir)
  .filter((f) => f.startsWith('holdout') && f.endsWith('.json'))
  .sort();

// A held-out set is only honest while nothing trains on its wording: every writer's batch goes into the knowledge, and a
// question the batch shares with a held-out set would be learnt, then "answered" there. The message names the set and
// a count, never a question, so a failure does not put held-out items on screen.
describe('held-out sets stay out of the training data', () => {
  it.each(heldOut)('no question of %s is among the examples, situations or out-of-scope examples', async (file) => {
    const kb = await knowledge();
    const trained = new Set([...kb.matters.flatMap((m) => [...m.examples, ...m.situations]), ...kb.lexicon.outOfScopeExamples].map(folded));
    const set = QuestionSet.parse(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
    const leaked = set.filter((q) => trained.has(folded(q.q))).length;
    expect(leaked, `${leaked} of ${set.length} questions of ${file} are in the knowledge`).toBe(0);
  });
});
