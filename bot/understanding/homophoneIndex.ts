/** Where a term's syllables first occur among a question's syllables (one syllable per character). */
export interface HomophoneAt {
  term: string;
  /** the term's place in the list the index was built from */
  order: number;
  /** index of the first character */
  start: number;
}

/**
 * Terms by their syllables, so a question's homophones are looked up window by window (n × the
 * longest term's syllables) instead of testing every term against the question.
 */
export class HomophoneIndex {
  /** syllables joined by ' ' → the terms that sound so, in list order */
  private readonly bySound = new Map<string, Array<{ term: string; order: number }>>();
  /** every syllable count a term has, ascending */
  private readonly widths: number[];

  constructor(entries: ReadonlyArray<{ term: string; syllables: readonly string[] }>) {
    const widths = new Set<number>();
    entries.forEach(({ term, syllables }, order) => {
      const key = syllables.join(' ');
      let same = this.bySound.get(key);
      if (!same) this.bySound.set(key, (same = []));
      same.push({ term, order });
      // counted from the key: a question's syllables never hold a space, so only whole runs can equal it
      widths.add(key.split(' ').length);
    });
    this.widths = [...widths].sort((a, b) => a - b);
  }

  /** each term that sounds like a run of `syllables`, at its first such run, in list order */
  find(syllables: readonly string[]): HomophoneAt[] {
    const found = new Map<string, HomophoneAt>();
    const widest = this.widths.at(-1) ?? 0;
    for (let start = 0; start < syllables.length; start++) {
      let key = '';
      for (let width = 1; width <= widest && start + width <= syllables.length; width++) {
        key = width === 1 ? syllables[start]! : `${key} ${syllables[start + width - 1]!}`;
        const same = this.bySound.get(key);
        if (!same) continue;
        for (const { term, order } of same) if (!found.has(term)) found.set(term, { term, order, start });
      }
    }
    return [...found.values()].sort((a, b) => a.order - b.order);
  }
}
