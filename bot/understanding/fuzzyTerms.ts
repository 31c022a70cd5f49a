import Fuse, { type IFuseOptions } from 'fuse.js';

export interface FuzzyHit {
  item: string;
  score: number | undefined;
}

/**
 * fuse.js over the vocabulary, searching only the terms that share a character with the word.
 * Exactly what one Fuse over every term answers, at a fraction of the cost: with ignoreLocation a
 * bitap match costs errors / pattern length ≤ threshold < 1, so at least one character of the word
 * stands matched in the term; a term sharing none can never be found. Candidates keep their order,
 * so fuse's ties (broken by position in the list) fall the same way.
 */
export class FuzzyTerms {
  /** UTF-16 unit (lower-cased, as fuse compares) → indexes of the terms holding it, ascending */
  private readonly holding = new Map<number, number[]>();
  private readonly seen: Uint8Array;

  constructor(
    private readonly terms: readonly string[],
    private readonly options: IFuseOptions<string>,
  ) {
    if (options.isCaseSensitive || options.ignoreDiacritics || !options.ignoreLocation) {
      throw new Error('FuzzyTerms relies on ignoreLocation, without case sensitivity or diacritics folding');
    }
    terms.forEach((term, index) => {
      const lower = term.toLowerCase();
      for (let i = 0; i < lower.length; i++) {
        const unit = lower.charCodeAt(i);
        let list = this.holding.get(unit);
        if (!list) this.holding.set(unit, (list = []));
        if (list.at(-1) !== index) list.push(index);
      }
    });
    this.seen = new Uint8Array(terms.length);
  }

  /** the closest term to `word`, as `new Fuse(terms, options).search(word, { limit: 1 })[0]` */
  best(word: string): FuzzyHit | undefined {
    const lower = word.toLowerCase();
    const candidates: number[] = [];
    for (let i = 0; i < lower.length; i++) {
      for (const index of this.holding.get(lower.charCodeAt(i)) ?? []) {
        if (this.seen[index]) continue;
        this.seen[index] = 1;
        candidates.push(index);
      }
    }
    for (const index of candidates) this.seen[index] = 0;
    if (candidates.length === 0) return undefined;
    candidates.sort((a, b) => a - b);
    const found = new Fuse(
      candidates.map((i) => this.terms[i]!),
      this.options,
    ).search(word, { limit: 1 })[0];
    return found && { item: found.item, score: found.score };
  }
}
