import type { GramsOf } from './exampleClassifier.js';
import { ExampleRanker, type RankedExamples } from './exampleRanker.js';

/**
 * A nearest-neighbour second opinion on whether a question is ours: the matters' examples and the out-of-scope
 * examples in one BM25 index (an ExampleRanker of its own, the out-of-scope examples its last class), so both sides'
 * closest example is scored with the same idf. Naive Bayes pools a class's examples into one bag, and the
 * out-of-scope bag is a mixture of every neighbouring service (养老, 残联, 药监, 户口 …): a question that is nearly
 * one of them word for word still reads as a little of everything. The matter ranker is not changed: this index
 * is built beside it.
 */
export class OutOfScopeNeighbours {
  private readonly ranker: ExampleRanker;

  constructor(examplesByMatter: readonly (readonly string[])[], outOfScopeExamples: readonly string[], gramsOf: GramsOf) {
    this.ranker = new ExampleRanker([...examplesByMatter, outOfScopeExamples], gramsOf);
  }

  /** `units`: the question's units, read as the examples' were */
  rank(units: readonly string[]): RankedExamples {
    return this.ranker.rank(units);
  }

  /**
   * How much closer the closest out-of-scope example is than the closest matter example, in [-1, 1]
   * (closeness is a share of what the question would score against itself); 0 when it shares nothing with either.
   */
  static margin(ranked: RankedExamples): number {
    const outOfScope = ranked.closeness[ranked.closeness.length - 1] ?? 0;
    if (outOfScope === 0) return 0;
    return outOfScope - Math.max(0, ...ranked.closeness.slice(0, -1));
  }
}
