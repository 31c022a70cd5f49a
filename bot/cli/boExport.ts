import fs from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, ROOT_DIR } from '../config/config.js';
import { TibetanReview } from '../knowledge/tibetanReview.js';

/** `npm run kb:bo-export [-- out.csv]`: every draft Tibetan string (knowledge and interface) in one CSV for a reviewer. */
async function main(): Promise<void> {
  const config = loadConfig();
  const out = path.resolve(process.argv[2] ?? path.join(ROOT_DIR, 'knowledge', 'review', 'tibetan-drafts.csv'));
  const { csv, rows } = await new TibetanReview(config.knowledgeDir, config.localesDir).exportCsv();
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.writeFile(out, csv, 'utf8');
  process.stdout.write(`${rows} draft strings written to ${out}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`export failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
