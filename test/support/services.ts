import { loadConfig } from '../../bot/config/config.js';
import { KnowledgeBase } from '../../bot/knowledge/knowledgeBase.js';
import { Understanding } from '../../bot/understanding/understanding.js';

let kb: Promise<KnowledgeBase> | undefined;
let understanding: Promise<Understanding> | undefined;

/** The real knowledge, loaded once per test file. */
export function knowledge(): Promise<KnowledgeBase> {
  kb ??= KnowledgeBase.load(loadConfig().knowledgeDir);
  return kb;
}

export function understandingPipeline(): Promise<Understanding> {
  understanding ??= knowledge().then((k) => new Understanding(k));
  return understanding;
}
