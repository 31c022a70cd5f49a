import { fileURLToPath } from 'node:url';
import nodejieba from 'nodejieba';

/** Matches runs that carry no meaning for search: punctuation, spaces, symbols. */
const NOISE = /^[\p{P}\p{S}\p{Z}\s]+$/u;

/**
 * The trimmed dictionary (`npm run dict:build`) ships beside the sources; the compiled build
 * (dist/bot/understanding/) reads the same files.
 */
export const JIEBA_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/bot/') ? '../../../bot/understanding/jieba/' : './jieba/', import.meta.url));
/** how many of the most frequent words the trimmed dictionary keeps beside the assistant's own */
export const JIEBA_CORE_WORDS = 20_000;

let loaded = false;

/**
 * nodejieba's whole dictionary held ~240 MiB and took 0.6–0.8 s to load. The trimmed one keeps
 * the frequent core and every word of the knowledge and the development questions, weighted as in
 * the whole one (see trimmedDictionary.ts); the keyword extractor, which nothing uses, gets a
 * one-word idf list instead of 260,000.
 */
function loadTrimmed(): void {
  if (loaded) return;
  nodejieba.load({ dict: `${JIEBA_DIR}dict.utf8`, idfDict: `${JIEBA_DIR}idf.utf8` });
  loaded = true;
}

/**
 * nodejieba with the domain words kept whole. nodejieba's dictionary is
 * process-wide, so inserting the same words again from a second instance is
 * harmless (tests build several).
 */
export class Segmenter {
  constructor(domainTerms: readonly string[]) {
    loadTrimmed();
    for (const term of domainTerms) {
      if (term.length > 1) nodejieba.insertWord(term);
    }
  }

  /** Search-mode segmentation: whole words and their sub-words, noise dropped. */
  tokens(text: string): string[] {
    return nodejieba.cutForSearch(text, true).filter((t) => t.trim() !== '' && !NOISE.test(t));
  }

  /** Precise segmentation, for measuring how much of a query is explained. */
  words(text: string): string[] {
    return nodejieba.cut(text, true).filter((t) => t.trim() !== '' && !NOISE.test(t));
  }
}
