import { loadConfig } from '../../bot/config/config.js';
import { KnowledgeBase } from '../../bot/knowledge/knowledgeBase.js';
import { Understanding } from '../../bot/understanding/understanding.js';

let kb: Promise<KnowledgeBase> | undefined;
let understanding: Promise<Understanding> | undefined;

/** Freezes plain data all the way down (Maps and Sets are left as they are). */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || value instanceof Map || value instanceof Set) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/**
 * The real knowledge, loaded once per process. The unit project runs all its files in one process
 * without isolation (vitest.config.ts), so they share it: its data is frozen, so a test that
 * changed it for the files after it throws instead.
 */
export function knowledge(): Promise<KnowledgeBase> {
  kb ??= KnowledgeBase.load(loadConfig().knowledgeDir).then((k) => {
    for (const data of [k.matters, k.offices, k.lexicon, k.categories, k.general, k.glossary]) deepFreeze(data);
    return k;
  });
  return kb;
}

/** The understanding pipeline on the real knowledge, built once per process (see knowledge()). */
export function understandingPipeline(): Promise<Understanding> {
  understanding ??= knowledge().then((k) => new Understanding(k));
  return understanding;
}
