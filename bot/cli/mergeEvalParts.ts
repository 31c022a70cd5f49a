import fs from 'node:fs/promises';
import path from 'node:path';
import { ROOT_DIR } from '../config/config.js';
import { QuestionSet, type LabelledQuestion } from '../evaluation/evaluator.js';

/**
 * `npx tsx bot/cli/mergeEvalParts.ts`: merges the Tibetan question parts written by
 * several people (test/eval/parts/bo-dev-*.json, bo-holdout-*.json) into
 * test/eval/questions.bo.json and holdout.bo.json, validated, in file order, each
 * question once. A question in both a dev and a holdout part stays in holdout only.
 */
async function main(): Promise<void> {
  const evalDir = path.join(ROOT_DIR, 'test', 'eval');
  const partsDir = path.join(evalDir, 'parts');
  const files = (await fs.readdir(partsDir)).filter((f) => f.endsWith('.json')).sort();
  const read = async (prefix: string): Promise<LabelledQuestion[]> => {
    const out: LabelledQuestion[] = [];
    for (const f of files.filter((x) => x.startsWith(prefix))) {
      const parsed = QuestionSet.safeParse(JSON.parse(await fs.readFile(path.join(partsDir, f), 'utf8')));
      if (!parsed.success) throw new Error(`${f}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      out.push(...parsed.data);
    }
    return out;
  };
  const holdout = unique(await read('bo-holdout-'));
  const held = new Set(holdout.map((q) => q.q.trim()));
  const dev = unique(await read('bo-dev-')).filter((q) => !held.has(q.q.trim()));
  const write = (name: string, set: LabelledQuestion[]): Promise<void> =>
    fs.writeFile(path.join(evalDir, name), `[\n${set.map((q) => `  ${JSON.stringify(q)}`).join(',\n')}\n]\n`);
  await write('questions.bo.json', dev);
  await write('holdout.bo.json', holdout);
  process.stdout.write(`questions.bo.json: ${dev.length} questions, holdout.bo.json: ${holdout.length} (from ${files.length} parts)\n`);
}

function unique(set: LabelledQuestion[]): LabelledQuestion[] {
  const seen = new Set<string>();
  return set.filter((q) => !seen.has(q.q.trim()) && Boolean(seen.add(q.q.trim())));
}

main().catch((err: unknown) => {
  process.stderr.write(`merge failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
