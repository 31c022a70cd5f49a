/** A term found in a question, with how sure the finding is (1 = written exactly). */
export interface FoundTerm {
  term: string;
  similarity: number;
}

/**
 * Which matters each vocabulary term occurs in, through which field (the field's
 * weight), and how rare the term is across matters (idf). Shared by the Chinese and
 * the Tibetan matcher so both weigh evidence the same way.
 */
export class TermIndex {
  /** term → matter index → best field weight */
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly idfs = new Map<string, number>();

  add(term: string, matterIndex: number, weight: number): void {
    let docs = this.postings.get(term);
    if (!docs) this.postings.set(term, (docs = new Map()));
    docs.set(matterIndex, Math.max(docs.get(matterIndex) ?? 0, weight));
  }

  /** computes every term's idf over `documents` matters; call once, after the last add */
  seal(documents: number): void {
    for (const [term, docs] of this.postings) this.idfs.set(term, Math.log(1 + documents / docs.size));
  }

  idf(term: string): number {
    return this.idfs.get(term) ?? 0;
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  terms(): IterableIterator<string> {
    return this.postings.keys();
  }

  /** per matter: the idf mass of the found terms it explains, and the strongest field it was found through */
  explain(found: readonly FoundTerm[], matters: number): { explained: number[]; strongest: number[] } {
    const explained = new Array<number>(matters).fill(0);
    const strongest = new Array<number>(matters).fill(0);
    for (const f of found) {
      const docs = this.postings.get(f.term);
      if (!docs) continue;
      const mass = this.idf(f.term) * f.similarity;
      for (const [i, weight] of docs) {
        explained[i]! += mass * weight;
        strongest[i] = Math.max(strongest[i]!, weight);
      }
    }
    return { explained, strongest };
  }
}
