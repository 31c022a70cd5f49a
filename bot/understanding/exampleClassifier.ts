/**
 * How likely each matter is, judged by the example questions people asked about it: a
 * multinomial naive Bayes classifier over unigrams and bigrams of a text's units (Chinese
 * characters, or Tibetan syllables), each example's counts scaled to the same length. It catches what
 * the vocabulary cannot: a situation told in everyday words ("在医院上了个环") that shares
 * no term with the matter's documents but many characters with how other people told the
 * same situation. Out-of-scope examples are a class of their own, so a question closest
 * to them is evidence that it is not ours. Counting is all the training there is, so it is
 * built in milliseconds at start-up and again on every re-index.
 */
export interface ExampleVerdict {
  /** per matter (indexed like the matters): the posterior probability, summing with `outOfScope` to 1 */
  probability: number[];
  /** the probability of the out-of-scope class */
  outOfScope: number;
  /** whether the question shares any unit with the examples at all (otherwise every class is equally likely) */
  informed: boolean;
  /** how many of the question's features (with repeats) the examples know: a short question's posteriors rest on little */
  known: number;
  /** per class (the matters, then out-of-scope): the log-likelihood the posteriors come from, -Infinity for an untrained class */
  logLikelihood: number[];
}

/** Chinese characters that say nothing about the matter: particles, pronouns, question words, punctuation, digits. */
const FILLER = /[\s\p{P}\p{S}\d的了吗呢啊吧呀嘛哦么是在有和与或就都也还要想能会去到给把被让我你他她它们这那个些啥咋怎什请问下一]/u;
const HAN = /\p{Script=Han}/u;
/** additive (Lidstone) smoothing: small, because the classes have a dozen or so examples each */
const SMOOTHING = 0.1;

/** an example's features (its units' unigrams and bigrams with their counts), read only, by the classifier, the ranker and the neighbours */
export type GramsOf = (example: string) => ReadonlyMap<string, number>;

export class ExampleClassifier {
  /** whether a class has any example at all: a class with none is never predicted */
  private readonly trained: boolean[];
  /** per class: the term of a feature it never saw, log(SMOOTHING) - denominator (-Infinity: untrained) */
  private readonly unseen: number[];
  /** per known feature (the vocabulary): its number, which indexes `from` */
  private readonly ids = new Map<string, number>();
  /** per feature number: where its classes (in order) and their terms log(count + SMOOTHING) - denominator start in `classes` and `terms` */
  private readonly from: Int32Array;
  private readonly classes: Int32Array;
  private readonly terms: Float64Array;

  constructor(
    examplesByMatter: readonly (readonly string[])[],
    outOfScopeExamples: readonly string[],
    /** an example's features, its units read the same way as the question's (see exampleGrams) */
    gramsOf: GramsOf,
  ) {
    const classes = [...examplesByMatter, outOfScopeExamples];
    const totals = classes.map(() => 0);
    this.trained = classes.map((examples) => examples.length > 0);
    // Every example weighs the same, whatever its length: its counts are scaled to the examples' mean length. Raw counts let
    // a matter's long situations outvote its own name and its short questions (leave-one-writer-out: names proxy zh 96.0 ->
    // 97.1 %, bo 97.6 -> 98.4 %; and it is what lets the classifier weigh more in the blend, see tuning.json).
    const grams = classes.map((examples) => examples.map(gramsOf));
    const lengths = grams.flat().map(gramCount);
    const meanLength = lengths.reduce((a, b) => a + b, 0) / Math.max(1, lengths.filter((n) => n > 0).length);
    // Counted class by class into (class, feature) pairs, one Map lookup per feature occurrence, then laid out per feature
    // in typed arrays (issue 15: a Map per class, asked of every class for every feature, and an object per feature were
    // a fifth of the start's indexing). Each count is the same sum in the same order as before, so every term is the same.
    const ids = this.ids;
    // at most one pair per feature occurrence
    const most = grams.flat().reduce((a, example) => a + example.size, 0);
    const pairClass = new Int32Array(most);
    const pairFeature = new Int32Array(most);
    const pairCount = new Float64Array(most);
    let pairs = 0;
    /** per feature number: its pair in the class being counted (-1 before the class saw it) */
    const pairOf: number[] = [];
    const filled: number[] = [];
    grams.forEach((examples, c) => {
      const classStart = pairs;
      for (const example of examples) {
        const scale = meanLength / (gramCount(example) || 1);
        for (const [feature, n] of example) {
          let id = ids.get(feature);
          if (id === undefined) (ids.set(feature, (id = pairOf.length)), pairOf.push(-1), filled.push(0));
          const pair = pairOf[id]!;
          if (pair >= classStart) pairCount[pair]! += n * scale;
          else ((pairOf[id] = pairs), (pairClass[pairs] = c), (pairFeature[pairs] = id), (pairCount[pairs++] = n * scale));
          totals[c]! += n * scale;
        }
      }
    });
    const size = ids.size;
    const denominators = totals.map((total) => Math.log(total + SMOOTHING * size));
    this.unseen = denominators.map((d, c) => (this.trained[c] ? Math.log(0 + SMOOTHING) - d : -Infinity));
    this.from = new Int32Array(size + 1);
    for (let pair = 0; pair < pairs; pair++) this.from[pairFeature[pair]! + 1]!++;
    for (let id = 0; id < size; id++) this.from[id + 1]! += this.from[id]!;
    this.classes = new Int32Array(pairs);
    this.terms = new Float64Array(pairs);
    // the pairs are in class order, so each feature's classes are written in order
    for (let pair = 0; pair < pairs; pair++) {
      const id = pairFeature[pair]!;
      const at = this.from[id]! + filled[id]!++;
      this.classes[at] = pairClass[pair]!;
      this.terms[at] = Math.log(pairCount[pair]! + SMOOTHING) - denominators[pairClass[pair]!]!;
    }
  }

  /** `units`: the question's units, read as the examples' were */
  classify(units: readonly string[]): ExampleVerdict {
    const features = [...this.features(units)].filter(([f]) => this.ids.has(f));
    // The same terms as log(count + SMOOTHING) - denominator, looked up instead of recomputed, added per class in feature order.
    const logLikelihood = this.unseen.map((unseen) => (unseen === -Infinity ? -Infinity : 0));
    for (const [feature, n] of features) {
      const id = this.ids.get(feature)!;
      let next = this.from[id]!;
      const end = this.from[id + 1]!;
      for (let c = 0; c < logLikelihood.length; c++) {
        if (this.unseen[c] === -Infinity) continue;
        let term = this.unseen[c]!;
        if (next < end && this.classes[next] === c) term = this.terms[next++]!;
        logLikelihood[c]! += n * term;
      }
    }
    return verdict(
      logLikelihood,
      features.reduce((a, [, n]) => a + n, 0),
    );
  }

  /**
   * One verdict on a message written in two scripts, from each script's classifier (the same classes):
   * naive Bayes over the union of both parts' features, i.e. the log-likelihoods added.
   */
  static joint(a: ExampleVerdict, b: ExampleVerdict): ExampleVerdict {
    if (!a.informed) return b;
    if (!b.informed) return a;
    return verdict(
      a.logLikelihood.map((x, c) => x + (b.logLikelihood[c] ?? -Infinity)),
      a.known + b.known,
    );
  }

  private features(units: readonly string[]): Map<string, number> {
    return unitGrams(units);
  }
}

/** unigrams and bigrams of the units, with their counts: the classifier's features, and the ranker's */
export function unitGrams(units: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < units.length; i++) {
    counts.set(units[i]!, (counts.get(units[i]!) ?? 0) + 1);
    if (i + 1 < units.length) {
      const bigram = `${units[i]!} ${units[i + 1]!}`;
      counts.set(bigram, (counts.get(bigram) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Each example's features made once, for every index built from the same examples (the classifier, the ranker, the
 * neighbours): the units' reading (normaliser, OpenCC, synonyms, segmenter) and the Map were made twice or three times at start.
 */
export function exampleGrams(unitsOf: (example: string) => readonly string[]): GramsOf {
  const made = new Map<string, Map<string, number>>();
  return (example) => {
    let grams = made.get(example);
    if (grams === undefined) made.set(example, (grams = unitGrams(unitsOf(example))));
    return grams;
  };
}

/** how many features (unigrams and bigrams, with repeats) a text has: 2 * units - 1, or 0 */
function gramCount(grams: ReadonlyMap<string, number>): number {
  let count = 0;
  for (const n of grams.values()) count += n;
  return count;
}

/** posteriors from per-class log-likelihoods, under a uniform prior: how many examples a matter happens to have says nothing about the question */
function verdict(logLikelihood: number[], known: number): ExampleVerdict {
  const top = Math.max(...logLikelihood);
  const weights = logLikelihood.map((x) => (x === -Infinity ? 0 : Math.exp(x - top)));
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const probability = weights.map((w) => w / total);
  return { probability: probability.slice(0, -1), outOfScope: probability[probability.length - 1]!, informed: known > 0, known, logLikelihood };
}

/**
 * The meaningful Han characters of normalised, synonym-expanded Chinese. Latin letters are left
 * out: a stray "aaa" must not read as the A of matter 18's A类医疗证.
 */
export function chineseUnits(prepared: string): string[] {
  return [...prepared].filter((c) => HAN.test(c) && !FILLER.test(c));
}
