import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT_DIR } from '../config/config.js';
import { formatDictionary, parseDictionary, trimDictionary } from '../understanding/trimmedDictionary.js';
import { JIEBA_DIR, JIEBA_CORE_WORDS } from '../understanding/segmenter.js';

/**
 * `npm run dict:build`: writes the trimmed jieba dictionary the segmenter loads (bot/understanding/jieba/),
 * from nodejieba's whole one: its most frequent words, and every word of the knowledge and of the
 * development question sets (never the held-out ones: their figures must say how unseen questions fare).
 */
async function jsonFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await jsonFiles(full)));
    else if (entry.name.endsWith('.json')) out.push(full);
  }
  return out;
}

function strings(value: unknown, into: string[]): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, into);
  return into;
}

export async function trimmedDictionaryTexts(): Promise<string[]> {
  const files = [
    ...(await jsonFiles(path.join(ROOT_DIR, 'knowledge'))),
    ...(await jsonFiles(path.join(ROOT_DIR, 'test', 'eval'))).filter((f) => !path.basename(f).startsWith('holdout')),
  ];
  const texts: string[] = [];
  for (const f of files) strings(JSON.parse(await readFile(f, 'utf8')), texts);
  return texts;
}

async function main(): Promise<void> {
  const whole = path.join(path.dirname(createRequire(import.meta.url).resolve('nodejieba')), 'submodules', 'cppjieba', 'dict', 'jieba.dict.utf8');
  const full = parseDictionary(await readFile(whole, 'utf8'));
  const trimmed = trimDictionary(full, { core: JIEBA_CORE_WORDS, texts: await trimmedDictionaryTexts() });
  await writeFile(path.join(JIEBA_DIR, 'dict.utf8'), formatDictionary(trimmed));
  process.stdout.write(`${trimmed.length} of ${full.length} words -> ${path.relative(ROOT_DIR, JIEBA_DIR)}/dict.utf8\n`);
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) await main();
