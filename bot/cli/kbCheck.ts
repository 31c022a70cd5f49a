import { loadConfig } from '../config/config.js';
import { KnowledgeBase } from '../knowledge/knowledgeBase.js';
import { countByKind, localeStrings, tibetanStrings, type TibetanCounts } from '../knowledge/tibetanStrings.js';

/** `npm run kb:check [-- --json]`: validates knowledge/ as start-up does and prints what it holds, Tibetan review status included. */
async function main(): Promise<void> {
  const config = loadConfig();
  const kb = await KnowledgeBase.load(config.knowledgeDir);
  const strings = await tibetanStrings(config.knowledgeDir);
  const locale = await localeStrings(config.localesDir);
  const kinds = countByKind(strings, (s) => s.kind);
  const total = countByKind(
    strings.filter((s) => s.renders),
    () => 'all',
  ).get('all') ?? { verified: 0, draft: 0, missing: 0 };
  const locales = countByKind(locale, (s) => s.namespace);

  if (process.argv.includes('--json')) {
    process.stdout.write(
      JSON.stringify({ tibetan: { knowledge: total, kinds: Object.fromEntries(kinds), locales: Object.fromEntries(locales) } }, null, 2) + '\n',
    );
    return;
  }
  const materials = kb.matters.reduce((n, m) => n + m.materials.length, 0);
  const questions = kb.matters.reduce((n, m) => n + m.questions.length, 0);
  const conditional = kb.matters.reduce((n, m) => n + m.materials.filter((x) => x.when).length, 0);
  const discrepancies = kb.matters.reduce((n, m) => n + m.discrepancies.length, 0);
  const personal = kb.matters.filter((m) => m.personal).length;
  const levels = (l: string): number => kb.offices.filter((o) => o.level === l).length;
  const counts = (c: TibetanCounts): string => `verified ${c.verified}, draft ${c.draft}, missing ${c.missing}`;
  const lines = [
    `knowledge OK: ${config.knowledgeDir}`,
    `  matters: ${kb.matters.length} (${kb.matters.filter((m) => m.code === null).length} without a code)`,
    `  materials: ${materials} (${conditional} conditional), questions: ${questions} (+ 委托办理 on ${personal} personal matters)`,
    `  discrepancies recorded: ${discrepancies}`,
    `  offices: ${kb.offices.length} (region ${levels('region')}, prefecture ${levels('prefecture')}, county-level ${levels('county')})`,
    `  lexicon: ${kb.lexicon.terms.length} terms, ${kb.lexicon.synonyms.length} synonym groups, ${kb.lexicon.outOfScope.length} out-of-scope words`,
    `Tibetan strings in the knowledge (search words apart): ${counts(total)}`,
    ...[...kinds].sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => `  ${k.padEnd(12)} ${counts(c)}`),
    'Tibetan in the interface (locales/bo, review status from locales/bo.review.json):',
    ...[...locales].map(([ns, c]) => `  ${ns.padEnd(12)} verified ${c.verified}, draft ${c.draft}`),
    'Drafts for review: npm run kb:bo-export (knowledge/README.md, "Correcting the Tibetan")',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  // Editors read this: every problem, one a line, in Chinese (KnowledgeError).
  process.stderr.write(`知识库检查未通过：\n${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
