import { loadConfig } from '../config/config.js';
import { KnowledgeBase } from '../knowledge/knowledgeBase.js';
import { matterMatchJson, officeJson } from '../server/apiJson.js';
import { Understanding } from '../understanding/understanding.js';

/** `npm run -s ask -- "问题" [--json]`: what the assistant understands of a question, for staff. */
async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const question = argv
    .filter((a) => a !== '--json')
    .join(' ')
    .trim();
  if (question === '') {
    process.stderr.write('usage: npm run -s ask -- "问题" [--json]\n');
    process.exit(2);
  }
  const kb = await KnowledgeBase.load(loadConfig().knowledgeDir);
  const u = new Understanding(kb);
  const found = u.understand(question);
  if (json) {
    const out = {
      query: question,
      outcome: found.outcome,
      matches: found.matches.map(matterMatchJson),
      offices: { outcome: found.offices.outcome, matches: found.offices.matches.map((m) => officeJson(m.office)) },
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return;
  }
  const label = { match: '匹配 match', ambiguous: '需要确认 ambiguous', none: '无匹配 none' }[found.outcome];
  const lines = [`问题: ${question}`, `理解为: ${found.normalized}`, `结果: ${label}`];
  found.matches.forEach((m, i) => lines.push(`  ${i + 1}. [${m.matter.no}] ${m.matter.title}  (${m.score.toFixed(3)})`));
  if (found.terms.length > 0) lines.push(`命中词: ${found.terms.join(' / ')}`);
  if (found.offices.matches.length > 0) {
    lines.push(`机构 (${found.offices.outcome}):`);
    for (const m of found.offices.matches) lines.push(`  ${m.office.name}  ${m.office.phones.join(', ')}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`ask failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
