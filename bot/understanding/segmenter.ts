import nodejieba from 'nodejieba';

/** Matches runs that carry no meaning for search: punctuation, spaces, symbols. */
const NOISE = /^[\p{P}\p{S}\p{Z}\s]+$/u;

/**
 * nodejieba with the domain words kept whole. nodejieba's dictionary is
 * process-wide, so inserting the same words again from a second instance is
 * harmless (tests build several).
 */
export class Segmenter {
  constructor(domainTerms: readonly string[]) {
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
