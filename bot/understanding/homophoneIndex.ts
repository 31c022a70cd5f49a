/** Where a term's syllables first occur among a question's syllables (one syllable per character). */
export interface HomophoneAt {
  term: string;
  /** the term's place in the list the index was built from */
  order: number;
  /** index of the first character */
  start: number;
}

interface SoundNode {
  next: Map<string, SoundNode>;
  /** the terms whose syllables end here, in list order */
  terms: Array<{ term: string; order: number }>;
}

/**
 * Terms in a trie of their syllables, so a question's homophones are found by walking from each of
 * its syllables (n × the longest term) instead of testing every term against the question.
 */
export class HomophoneIndex {
  private readonly root: SoundNode = { next: new Map(), terms: [] };

  constructor(entries: ReadonlyArray<{ term: string; syllables: readonly string[] }>) {
    entries.forEach(({ term, syllables }, order) => {
      // split again on spaces: a question's syllables never hold one, so only whole runs can equal the term's
      let node = this.root;
      for (const syllable of syllables.join(' ').split(' ')) {
        let next = node.next.get(syllable);
        if (!next) node.next.set(syllable, (next = { next: new Map(), terms: [] }));
        node = next;
      }
      node.terms.push({ term, order });
    });
  }

  /** each term that sounds like a run of `syllables`, at its first such run, in list order */
  find(syllables: readonly string[]): HomophoneAt[] {
    const found = new Map<string, HomophoneAt>();
    for (let start = 0; start < syllables.length; start++) {
      let node: SoundNode | undefined = this.root;
      for (let i = start; i < syllables.length; i++) {
        node = node.next.get(syllables[i]!);
        if (!node) break;
        for (const { term, order } of node.terms) if (!found.has(term)) found.set(term, { term, order, start });
      }
    }
    return [...found.values()].sort((a, b) => a.order - b.order);
  }
}
