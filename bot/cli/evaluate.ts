import fs from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, ROOT_DIR } from '../config/config.js';
import { CrossValidator } from '../evaluation/crossValidator.js';
import { NamesProxy } from '../evaluation/namesProxy.js';
import { Evaluator, QuestionSet, barsFor, langFor, pct } from '../evaluation/evaluator.js';
import { KnowledgeBase } from '../knowledge/knowledgeBase.js';
import { Understanding } from '../understanding/understanding.js';

/**
 * `npm run eval [-- --misses] [--only FILE …]`: accuracy of the understanding pipeline on the labelled sets in
 * test/eval, Chinese (`*.zh.json`) and Tibetan (`*.bo.json`, asked with lang=bo).
 * `--cv [K]`: K-fold cross-validation (default 10) over the development situation sets instead, each fold
 * asked of a pipeline trained without it; never over a held-out set, which trains nothing.
 * `--writer FILE` (repeatable): leave-one-writer-out, a training file (one writer's labelled questions, e.g. a
 * batch before it goes into knowledge/) asked of a pipeline trained without any of its wording.
 */
async function main(argv: string[]): Promise<void> {
  const showMisses = argv.includes('--misses');
  // --only FILE (repeatable): just these sets, e.g. the development sets while tuning, never a held-out one
  const only = argv.flatMap((a, i) => (argv[i - 1] === '--only' ? [a] : []));
  const cvAt = argv.indexOf('--cv');
  const folds = cvAt < 0 ? 0 : Number(/^\d+$/u.test(argv[cvAt + 1] ?? '') ? argv[cvAt + 1] : 10);
  if (cvAt >= 0 && only.length === 0) only.push('situations.zh.json', 'situations.bo.json');
  if (folds > 0 && only.some((f) => f.startsWith('holdout'))) throw new Error('--cv is for development sets; a held-out set trains nothing');
  const kb = await KnowledgeBase.load(loadConfig().knowledgeDir);
  const writers = argv.flatMap((a, i) => (argv[i - 1] === '--writer' ? [a] : []));
  if (argv.includes('--names')) {
    // the names proxy (bot/evaluation/namesProxy.ts): every matter's own names asked bare, of the whole pipeline
    const proxy = new NamesProxy(kb);
    const evaluator = new Evaluator(new Understanding(kb));
    for (const [lang, set] of [
      ['zh', proxy.zh()],
      ['bo', proxy.bo()],
    ] as const) {
      const r = evaluator.run(set, lang);
      const lines = [
        `names proxy ${lang}: ${r.questions} names  accuracy@1 ${pct(r.accuracyAt1)}  recall@3 ${pct(r.recallAt3)}  answered none ${pct(r.inScopeNone)}`,
      ];
      if (showMisses) for (const m of r.misses) lines.push(`  miss ${m.metric}: ${m.q}  expected ${m.expected}, got ${m.got}`);
      process.stdout.write(lines.join('\n') + '\n');
    }
    return;
  }
  if (writers.length > 0) {
    for (const f of writers) {
      const set = QuestionSet.parse(JSON.parse(await fs.readFile(f, 'utf8')));
      const r = new CrossValidator(kb).heldOut(set, langFor(f));
      const lines = [
        `${f}: ${r.questions} questions, trained without them`,
        `  accuracy@1 ${pct(r.accuracyAt1)}  recall@3 ${pct(r.recallAt3)}  in scope answered none ${pct(r.inScopeNone)}  (${r.inScope} in scope)`,
        `  out-of-scope rejected ${pct(r.rejection)}  (${r.outOfScope} out of scope)`,
      ];
      if (showMisses) for (const m of r.misses) lines.push(`  miss ${m.metric}: ${m.q}  expected ${m.expected}, got ${m.got}`);
      process.stdout.write(lines.join('\n') + '\n');
    }
    return;
  }
  const evaluator = new Evaluator(new Understanding(kb));
  const dir = path.join(ROOT_DIR, 'test', 'eval');
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json') && (only.length === 0 || only.includes(f))).sort();
  let failed = false;
  for (const f of files) {
    const set = QuestionSet.parse(JSON.parse(await fs.readFile(path.join(dir, f), 'utf8')));
    const r = folds > 0 ? new CrossValidator(kb).run(set, langFor(f), folds) : evaluator.run(set, langFor(f));
    const BARS = barsFor(f);
    const below = Evaluator.meets(r, BARS);
    failed ||= below.length > 0;
    const lines = [
      `${f}: ${r.questions} questions${folds > 0 ? `, ${folds}-fold cross-validated` : ''}`,
      `  accuracy@1            ${pct(r.accuracyAt1).padStart(6)}  (bar ${pct(BARS.accuracyAt1)}, ${r.inScope} in scope)`,
      `  recall@3              ${pct(r.recallAt3).padStart(6)}  (bar ${pct(BARS.recallAt3)})`,
      `  in scope answered none ${pct(r.inScopeNone).padStart(6)}${BARS.inScopeNone === undefined ? '' : `  (at most ${pct(BARS.inScopeNone)})`}`,
      `  out-of-scope rejected ${pct(r.rejection).padStart(6)}  (bar ${pct(BARS.rejection)}, ${r.outOfScope} out of scope)`,
      `  office accuracy       ${pct(r.officeAccuracy).padStart(6)}  (bar ${pct(BARS.officeAccuracy)}, ${r.officeQuestions} naming a place)`,
      `  ambiguity agreement   ${pct(r.ambiguityAgreement).padStart(6)}  (no bar: ambiguous-labelled questions the bot also asks about)`,
      below.length > 0 ? `  BELOW BAR: ${below.join('; ')}` : '  meets every bar',
    ];
    if (showMisses) for (const m of r.misses) lines.push(`  miss ${m.metric}: ${m.q}  expected ${m.expected}, got ${m.got}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  if (failed) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`eval failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
