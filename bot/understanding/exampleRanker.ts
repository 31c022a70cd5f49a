import { unitGrams, type GramsOf } from './exampleClassifier.js';

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

export class ExampleRanker {
  /**
   * Per feature: its number, which indexes `start` and `idf`; its postings are `docs` and `terms` from `start[id]` to
   * `start[id + 1]`. A posting's whole BM25 term depends only on the index (the feature's idf, the document's tf and
   * length, the average length), so it is computed once here, by the very expression `rank` used to evaluate per question
   * (the same doubles, so rankings are unchanged to the bit).
   */
  private readonly featureIds = new Map<string, number>();
  private readonly start: Int32Array;
  private readonly idf: Float64Array;
  private readonly docs: Int32Array;
  private readonly terms: Float64Array;
  /** per document: its class (a matter's index) */
  private readonly docClass: Int32Array;
  private readonly matters: number;
  /** per-question scratch (rank is synchronous): zero outside `rank` */
  private readonly scores: Float64Array;

  constructor(examplesByMatter: readonly (readonly string[])[], gramsOf: GramsOf) {
    // Two passes over ~10,000 examples at every start (issue 15): the first numbers the features and counts each one's
    // documents, the second writes the postings into one buffer at their offsets, in document order as before, so each
    // term is the same expression of the same doubles. One Map lookup per feature occurrence, no array per feature or document.
    const featureIds = this.featureIds;
    const docFrequency: number[] = [];
    const docClass: number[] = [];
    const docLength: number[] = [];
    // every document's (feature, tf) in a row, in document order: document d's from docEnd[d - 1] to docEnd[d]
    let occurrences = 0;
    for (const examples of examplesByMatter) for (const example of examples) occurrences += gramsOf(example).size;
    const occurrenceFeature = new Int32Array(occurrences);
    const occurrenceTf = new Int32Array(occurrences);
    const docEnd: number[] = [];
    let k = 0;
    examplesByMatter.forEach((examples, c) => {
      for (const example of examples) {
        const features = gramsOf(example);
        if (features.size === 0) continue;
        docClass.push(c);
        let length = 0;
        for (const [feature, tf] of features) {
          length += tf;
          let id = featureIds.get(feature);
          if (id === undefined) {
            featureIds.set(feature, (id = docFrequency.length));
            docFrequency.push(0);
          }
          docFrequency[id]!++;
          occurrenceFeature[k] = id;
          occurrenceTf[k++] = tf;
        }
        docEnd.push(k);
        docLength.push(length);
      }
    });
    const averageLength = docLength.reduce((a, b) => a + b, 0) / Math.max(1, docLength.length);
    const n = docClass.length;
    const start = new Int32Array(docFrequency.length + 1);
    for (let id = 0; id < docFrequency.length; id++) start[id + 1] = start[id]! + docFrequency[id]!;
    const allDocs = new Int32Array(start[docFrequency.length]!);
    const allTfs = new Int32Array(allDocs.length);
    const filled = start.slice(0, docFrequency.length);
    for (let doc = 0, k = 0; doc < n; doc++) {
      for (; k < docEnd[doc]!; k++) {
        const at = filled[occurrenceFeature[k]!]!++;
        allDocs[at] = doc;
        allTfs[at] = occurrenceTf[k]!;
      }
    }
    const allTerms = new Float64Array(allDocs.length);
    const idfs = new Float64Array(docFrequency.length);
    for (let id = 0; id < docFrequency.length; id++) {
      const from = start[id]!;
      const count = docFrequency[id]!;
      const idf = Math.log(1 + (n - count + 0.5) / (count + 0.5));
      idfs[id] = idf;
      for (let i = from; i < from + count; i++) {
        const tf = allTfs[i]!;
        allTerms[i] = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * docLength[allDocs[i]!]!) / averageLength));
      }
    }
    this.start = start;
    this.idf = idfs;
    this.docs = allDocs;
    this.terms = allTerms;
    this.docClass = Int32Array.from(docClass);
    this.scores = new Float64Array(n);
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
    const scores = this.scores;
    // only the documents sharing a feature: every term is > 0 (idf > 0, tf >= 1), so a zero score means untouched
    const touched: number[] = [];
    let self = 0;
    for (const feature of unitGrams(units).keys()) {
      const id = this.featureIds.get(feature);
      if (id === undefined) continue;
      // a document equal to the question scores about the sum of its features' idf: the scale that makes scores comparable across questions
      self += this.idf[id]!;
      const { docs, terms } = this;
      for (let i = this.start[id]!; i < this.start[id + 1]!; i++) {
        const doc = docs[i]!;
        if (scores[doc] === 0) touched.push(doc);
        scores[doc]! += terms[i]!;
      }
    }
    const byMatter = new Array<number>(this.matters).fill(0);
    for (const d of touched) {
      const c = this.docClass[d]!;
      if (scores[d]! > byMatter[c]!) byMatter[c] = scores[d]!;
      scores[d] = 0;
    }
    return { closeness: byMatter.map((s) => (self > 0 ? Math.min(1, s / self) : 0)), self };
  }
}
