import { unitGrams } from './exampleClassifier.js';

/**
 * How close a question is to each matter's example questions, the way a retrieval ranker reads it: Okapi BM25
 * over unigrams and bigrams of a text's units (Chinese characters, or Tibetan syllables), each example a document
 * of its own, a matter scored by its closest example. Where the naive-Bayes classifier pools a matter's examples
 * into one bag (a matter with many long situations drowns a short, telling one), the ranker rewards the one
 * example that says nearly what the question says.
 */
export interface RankedExamples {
  /** per matter (indexed like the matters): its closest example's BM25 score over `self`, in [0, 1] */
  closeness: number[];
  /** what the question would score against itself: the scale of `closeness` (0: it shares nothing with any example) */
  self: number;
}

/** BM25's usual constants: term-frequency saturation and length normalisation */
const K1 = 1.2;
const B = 0.75;

interface Posting {
  doc: number;
  tf: number;
}

export class ExampleRanker {
  private readonly postings = new Map<string, Posting[]>();
  /** per document: its class (a matter's index) and length in features */
  private readonly docClass: number[] = [];
  private readonly docLength: number[] = [];
  private readonly averageLength: number;
  private readonly matters: number;

  constructor(examplesByMatter: readonly (readonly string[])[], unitsOf: (example: string) => readonly string[]) {
    examplesByMatter.forEach((examples, c) => {
      for (const example of examples) {
        const features = unitGrams(unitsOf(example));
        if (features.size === 0) continue;
        const doc = this.docClass.length;
        this.docClass.push(c);
        let length = 0;
        for (const [feature, tf] of features) {
          length += tf;
          let list = this.postings.get(feature);
          if (!list) this.postings.set(feature, (list = []));
          list.push({ doc, tf });
        }
        this.docLength.push(length);
      }
    });
    this.averageLength = this.docLength.reduce((a, b) => a + b, 0) / Math.max(1, this.docLength.length);
    this.matters = examplesByMatter.length;
  }

  /** one message in two scripts, ranked by each script's ranker: each part weighs by its own scale */
  static joint(a: RankedExamples, b: RankedExamples): RankedExamples {
    const self = a.self + b.self;
    if (self === 0) return a;
    return { closeness: a.closeness.map((x, i) => (x * a.self + (b.closeness[i] ?? 0) * b.self) / self), self };
  }

  /** `units`: the question's units, read as the examples' were */
  rank(units: readonly string[]): RankedExamples {
    const n = this.docClass.length;
    const scores = new Float64Array(n);
    const query = unitGrams(units);
    let self = 0;
    for (const feature of query.keys()) {
      const list = this.postings.get(feature);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      // a document equal to the question scores about the sum of its features' idf: the scale that makes scores comparable across questions
      self += idf;
      for (const { doc, tf } of list) {
        scores[doc]! += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * this.docLength[doc]!) / this.averageLength));
      }
    }
    const byMatter = new Array<number>(this.matters).fill(0);
    for (let d = 0; d < n; d++) {
      const c = this.docClass[d]!;
      if (scores[d]! > byMatter[c]!) byMatter[c] = scores[d]!;
    }
    return { closeness: byMatter.map((s) => (self > 0 ? Math.min(1, s / self) : 0)), self };
  }
}
