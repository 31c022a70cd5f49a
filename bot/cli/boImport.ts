import fs from 'node:fs/promises';
import { loadConfig } from '../config/config.js';
import { TibetanReview } from '../knowledge/tibetanReview.js';

/** `npm run kb:bo-import -- file.csv`: applies a reviewer's corrected CSV to knowledge/ and locales/bo (all or nothing). */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: npm run kb:bo-import -- corrected.csv\n');
    process.exit(2);
  }
  const config = loadConfig();
  const report = await new TibetanReview(config.knowledgeDir, config.localesDir).importCsv(await fs.readFile(file, 'utf8'));
  process.stdout.write(`${report.applied} strings applied, ${report.unchanged} unchanged; written: ${report.files.join(', ') || 'nothing'}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`import refused: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
