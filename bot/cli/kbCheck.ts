import { loadConfig } from '../config/config.js';
import { KnowledgeBase } from '../knowledge/knowledgeBase.js';

/** `npm run kb:check`: validates knowledge/ as start-up does and prints what it holds. */
async function main(): Promise<void> {
  const config = loadConfig();
  const kb = await KnowledgeBase.load(config.knowledgeDir);
  const materials = kb.matters.reduce((n, m) => n + m.materials.length, 0);
  const questions = kb.matters.reduce((n, m) => n + m.questions.length, 0);
  const conditional = kb.matters.reduce((n, m) => n + m.materials.filter((x) => x.when).length, 0);
  const discrepancies = kb.matters.reduce((n, m) => n + m.discrepancies.length, 0);
  const levels = (l: string): number => kb.offices.filter((o) => o.level === l).length;
  const tibetan = kb.offices.flatMap((o) => o.tibetan);
  const lines = [
    `knowledge OK: ${config.knowledgeDir}`,
    `  matters: ${kb.matters.length} (${kb.matters.filter((m) => m.code === null).length} without a code)`,
    `  materials: ${materials} (${conditional} conditional), questions: ${questions} (+ 委托办理 on ${kb.matters.filter((m) => m.personal).length} personal matters)`,
    `  discrepancies recorded: ${discrepancies}`,
    `  offices: ${kb.offices.length} (region ${levels('region')}, prefecture ${levels('prefecture')}, county-level ${levels('county')})`,
    `  Tibetan office names: ${tibetan.length} (verified ${tibetan.filter((t) => t.status === 'verified').length}, draft ${tibetan.filter((t) => t.status === 'draft').length})`,
    `  lexicon: ${kb.lexicon.terms.length} terms, ${kb.lexicon.synonyms.length} synonym groups, ${kb.lexicon.outOfScope.length} out-of-scope words`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`knowledge check failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
