import fs from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/config.js';
import { renderDiscrepancies, withDiscrepancies } from '../knowledge/discrepancyReport.js';
import { KnowledgeBase } from '../knowledge/knowledgeBase.js';

/** `npm run kb:readme`: rewrites the discrepancy table in knowledge/README.md from the data. */
async function main(): Promise<void> {
  const dir = loadConfig().knowledgeDir;
  const kb = await KnowledgeBase.load(dir);
  const file = path.join(dir, 'README.md');
  const before = await fs.readFile(file, 'utf8').catch(() => '# knowledge\n');
  await fs.writeFile(file, withDiscrepancies(before, renderDiscrepancies(kb)));
  process.stdout.write(`updated ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`kb:readme failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
