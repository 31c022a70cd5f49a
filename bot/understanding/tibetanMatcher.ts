import type { Glossary, Matter, Office } from '../knowledge/schema.js';
import { MatchScorer, type MatterEvidence } from './matchScorer.js';
import { FIELD_WEIGHTS, type MatcherTuning, type MatterSearch } from './matterMatcher.js';
import { TermIndex } from './termIndex.js';
import { hasTibetan, type TibetanNormalizer } from './tibetanNormalizer.js';
import { TIBETAN_STOPWORDS, TibetanSegmenter, type TibetanSyllable } from './tibetanSegmenter.js';

const TSHEG = '\u0F0B';
/** the longest n-gram of the index; whole short fields are kept beyond it */
const MAX_NGRAM = 4;
/** a whole field of at most this many syllables is also a term of its own */
const MAX_WHOLE = 8;
export interface TibetanTuning {
  /**
   * A glossary term found through the matter's Chinese counts a little less than the
   * matter's own Tibetan: the translator may have chosen another word on purpose.
   */
  glossaryFactor: number;
  /** weight of a question syllable no matter knows, against the Chinese matcher's unknown word */
  unknownSyllableWeight: number;
  /** a syllable found alone, not inside a longer known n-gram: as weak as a single Chinese character */
  loneSyllableSimilarity: number;
}

export const DEFAULT_TIBETAN_TUNING: TibetanTuning = {
  glossaryFactor: 0.8,
  unknownSyllableWeight: 1,
  loneSyllableSimilarity: 0.5,
};

/** county, district, city, prefecture: a name without them is still the place (ལྷ་ས) */
const PLACE_SUFFIXES = [`${TSHEG}གྲོང${TSHEG}ཁྱེར`, `${TSHEG}གྲོང${TSHEG}ཆུས`, `${TSHEG}ས${TSHEG}ཁུལ`, `${TSHEG}རྫོང`, `${TSHEG}ཆུས`];

interface Hit {
  term: string;
  similarity: number;
  start: number;
  end: number;
}

export interface TibetanMatcherSources {
  matters: readonly Matter[];
  glossary: Glossary;
  /** the Chinese out-of-scope words: their glossary Tibetan is out of scope too */
  outOfScope: readonly string[];
  /** office names: neither match nor dilute (the office resolver reads them) */
  offices: readonly Office[];
  /** the Chinese normaliser, to find glossary terms in the matters' Chinese */
  normalizeZh: (s: string) => string;
}

/**
 * Ranks matters for a Tibetan question: syllables and syllable n-grams of each
 * matter's Tibetan fields (weighted like the Chinese fields), plus the Tibetan of
 * every glossary term found in the matter's Chinese, so a matter is findable by the
 * shared terms before its own translation lands. Scored and decided by the same
 * MatchScorer as Chinese.
 */
export class TibetanMatcher {
  private readonly segmenter = new TibetanSegmenter();
  private readonly vocabulary = new TermIndex();
  private readonly titleSyllables: string[][];
  private readonly titleMass: number[];
  /** per matter: the Tibetan of its qualifiers, as tsheg-joined content syllables; null = none known */
  private readonly qualifiers: (string[] | null)[];
  private readonly outOfScope: string[];
  /** office names as content syllables */
  private readonly places: Set<string>;
  private readonly scorer: MatchScorer;
  private readonly segmented = new Map<string, TibetanSyllable[]>();

  constructor(
    private readonly sources: TibetanMatcherSources,
    private readonly normalizer: TibetanNormalizer,
    private readonly tuning: MatcherTuning,
    private readonly bo: TibetanTuning = DEFAULT_TIBETAN_TUNING,
  ) {
    const { matters, glossary, normalizeZh } = sources;
    this.scorer = new MatchScorer(matters, tuning);
    const fields = matters.map((m) => tibetanFields(m));
    const bridges = glossary.terms.map((t) => ({ zh: normalizeZh(t.zh), bo: t.bo.text }));

    // Known syllables first, so a fused ར / ས is split off the same way in the index and in questions.
    const known = new Set<string>();
    for (const list of fields)
      for (const f of list) for (const t of f.texts) for (const s of this.segmenter.syllables(this.normalizer.normalize(t))) known.add(s.text);
    for (const b of bridges) for (const s of this.segmenter.syllables(this.normalizer.normalize(b.bo))) known.add(s.text);
    for (const o of sources.offices)
      for (const t of o.tibetan) for (const s of this.segmenter.syllables(this.normalizer.normalize(t.script))) known.add(s.text);
    this.segmenter.setVocabulary(known);

    matters.forEach((m, i) => {
      for (const f of fields[i]!) for (const t of f.texts) this.index(i, f.weight, t, f.keepWhole);
      for (const f of chineseFields(m)) {
        const zh = f.texts.map(normalizeZh).join('\n');
        for (const b of bridges) if (b.zh !== '' && zh.includes(b.zh)) this.index(i, f.weight * bo.glossaryFactor, b.bo, true);
      }
    });
    this.vocabulary.seal(matters.length);

    this.titleSyllables = matters.map((m) => (m.bo ? this.meaningful(this.syllablesOf(m.bo.title.text)).map((s) => s.text) : []));
    this.titleMass = this.titleSyllables.map((t) => t.reduce((sum, s) => sum + this.vocabulary.idf(s), 0));
    this.qualifiers = matters.map((m) => {
      const translated = m.qualifiers.map(normalizeZh).map((q) => bridges.filter((b) => sameOrLonger(b.zh, q)).map((b) => this.joined(b.bo)));
      // with most qualifiers untranslated, a question naming none of the known ones says little
      const known = translated.filter((t) => t.length > 0).length;
      return known > 0 && known * 2 >= m.qualifiers.length ? translated.flat() : null;
    });
    const oos = new Set(sources.outOfScope.map(normalizeZh));
    // one syllable alone is too often part of an ordinary word
    this.outOfScope = bridges
      .filter((b) => oos.has(b.zh))
      .map((b) => this.joined(b.bo))
      .filter((p) => p.includes(TSHEG));
    this.places = new Set(
      sources.offices
        .flatMap((o) => o.tibetan.map((t) => this.joined(t.script)))
        .flatMap((name) => [name, ...PLACE_SUFFIXES.filter((x) => name.endsWith(x)).map((x) => name.slice(0, -x.length))])
        .filter((p) => p.includes(TSHEG)),
    );
    this.segmented.clear();
  }

  /** the share of the text's meaningful syllables the index knows (0 when it has none) */
  knownShare(normalized: string): number {
    const syllables = this.meaningful(this.contentOf(normalized));
    return syllables.length === 0 ? 0 : syllables.filter((s) => this.vocabulary.has(s.text)).length / syllables.length;
  }

  search(text: string): MatterSearch {
    return this.scorer.decide(this.evidence(this.normalizer.normalize(text)));
  }

  /** what normalised Tibetan text says about each matter, before ranking */
  evidence(normalized: string): MatterEvidence {
    const content = this.contentOf(normalized);
    const grams = this.segmenter.ngrams(content, MAX_WHOLE);
    const neutral = grams.filter((g) => this.places.has(g.text));
    // syllables of a place name are the place, not words of a matter (the གཞི of གཞིས་ཀ་རྩེ)
    const known = grams.filter((g) => this.vocabulary.has(g.text) && !neutral.some((p) => p.start <= g.start && p.end >= g.end));
    const hits: Hit[] = known.map((g) => {
      const alone = g.end - g.start === 1 && !known.some((k) => k.end - k.start > 1 && k.start <= g.start && k.end >= g.end);
      return { term: g.text, similarity: alone ? this.bo.loneSyllableSimilarity : 1, start: g.start, end: g.end };
    });

    let unexplained = 0;
    content.forEach((s, k) => {
      const covered = (list: readonly { start: number; end: number }[]): boolean => list.some((h) => h.start <= k && h.end > k);
      if (TIBETAN_STOPWORDS.has(s.text) || /^\d+$/u.test(s.text) || covered(hits) || covered(neutral)) return;
      unexplained += this.bo.unknownSyllableWeight * this.tuning.unknownWordWeight;
    });

    const evidence = this.scorer.empty();
    // a lone syllable explains only part of itself: the rest weighs like an unknown word
    evidence.mass = hits.reduce((sum, h) => sum + this.vocabulary.idf(h.term), 0) + unexplained;
    if (evidence.mass === 0 || hits.length === 0) return evidence;

    const found = new Set(hits.map((h) => h.term));
    const { explained, strongest } = this.vocabulary.explain(hits, this.sources.matters.length);
    evidence.explained = explained;
    evidence.strongest = strongest;
    evidence.titleShare = this.titleSyllables.map((title, i) => {
      const mass = this.titleMass[i] ?? 0;
      return mass > 0 ? title.filter((s) => found.has(s)).reduce((sum, s) => sum + this.vocabulary.idf(s), 0) / mass : 0;
    });
    const written = `${TSHEG}${content.map((s) => s.text).join(TSHEG)}${TSHEG}`;
    const names = (phrase: string): boolean => written.includes(`${TSHEG}${phrase}${TSHEG}`);
    // a matter whose qualifiers have no Tibetan yet is not ranked down: the question cannot name them
    evidence.qualified = this.sources.matters.map((m, i) => m.qualifiers.length === 0 || (this.qualifiers[i]?.some(names) ?? true));
    evidence.outOfScope = this.outOfScope.some(names);
    evidence.terms = [...found];
    return evidence;
  }

  /**
   * The meaningful syllables of normalised Tibetan for the example classifier: particles,
   * stopwords and greetings dropped (people open any question with བཀྲ་ཤིས་བདེ་ལེགས).
   */
  contentUnits(normalized: string): string[] {
    return this.meaningful(this.contentOf(normalized))
      .map((s) => s.text)
      .filter((s) => !GREETING_SYLLABLES.has(s));
  }

  /** the text with particles split off, as the office resolver should read it */
  officeText(normalized: string): string {
    const phrases: string[][] = [];
    for (const s of this.segmenter.syllables(normalized)) (phrases[s.phrase] ??= []).push(s.text);
    return phrases
      .filter(Boolean)
      .map((p) => p.join(TSHEG))
      .join(' ');
  }

  private index(matterIndex: number, weight: number, text: string, keepWhole: boolean): void {
    const content = this.syllablesOf(text);
    const terms = this.segmenter
      .ngrams(content, MAX_NGRAM)
      .filter((g) => g.end - g.start > 1 || !TIBETAN_STOPWORDS.has(g.text))
      .map((g) => g.text);
    if (keepWhole && content.length > MAX_NGRAM && content.length <= MAX_WHOLE && new Set(content.map((s) => s.phrase)).size === 1) {
      terms.push(content.map((s) => s.text).join(TSHEG));
    }
    for (const t of terms) this.vocabulary.add(t, matterIndex, weight);
  }

  /** content syllables of a knowledge text; the same texts recur (glossary terms), so they are segmented once */
  private syllablesOf(text: string): TibetanSyllable[] {
    let content = this.segmented.get(text);
    if (!content) this.segmented.set(text, (content = this.contentOf(this.normalizer.normalize(text))));
    return content;
  }

  private contentOf(normalized: string): TibetanSyllable[] {
    return this.segmenter.content(normalized);
  }

  private meaningful(syllables: readonly TibetanSyllable[]): TibetanSyllable[] {
    return syllables.filter((s) => !TIBETAN_STOPWORDS.has(s.text));
  }

  private joined(text: string): string {
    return this.syllablesOf(text)
      .map((s) => s.text)
      .join(TSHEG);
  }
}

const GREETING_SYLLABLES: ReadonlySet<string> = new Set(['བཀྲ', 'ཤིས', 'བདེ', 'ལེགས']);

interface Field {
  weight: number;
  texts: string[];
  keepWhole: boolean;
}

/** a matter's Tibetan fields, weighted like their Chinese siblings */
function tibetanFields(m: Matter): Field[] {
  const options = m.questions.flatMap((q) => q.options.filter((o) => o.id !== 'none'));
  return [
    { weight: FIELD_WEIGHTS.title, texts: m.bo ? [m.bo.title.text] : [], keepWhole: true },
    { weight: FIELD_WEIGHTS.keywords, texts: (m.bo?.searchTerms ?? []).map((t) => t.text), keepWhole: true },
    // examples taught from the review queue may be Tibetan questions
    { weight: FIELD_WEIGHTS.examples, texts: m.examples.filter(hasTibetan), keepWhole: false },
    { weight: FIELD_WEIGHTS.category, texts: m.bo ? [m.bo.category.text] : [], keepWhole: false },
    { weight: FIELD_WEIGHTS.summary, texts: m.bo ? [m.bo.summary.text] : [], keepWhole: false },
    {
      weight: FIELD_WEIGHTS.options,
      texts: options.flatMap((o) => (o.bo ? [o.bo.label.text, ...(o.bo.searchTerms ?? []).map((t) => t.text)] : [])),
      keepWhole: true,
    },
    { weight: FIELD_WEIGHTS.audience, texts: m.audience.bo ? [m.audience.bo.text.text] : [], keepWhole: false },
    { weight: FIELD_WEIGHTS.materials, texts: m.materials.flatMap((x) => (x.bo ? [x.bo.name.text] : [])), keepWhole: false },
  ];
}

/** the Chinese fields a glossary term is looked for in (examples are whole questions: too loose) */
function chineseFields(m: Matter): Field[] {
  const options = m.questions.flatMap((q) => q.options.filter((o) => o.id !== 'none'));
  return [
    { weight: FIELD_WEIGHTS.title, texts: [m.title, ...(m.heading ? [m.heading] : [])], keepWhole: true },
    { weight: FIELD_WEIGHTS.keywords, texts: m.keywords, keepWhole: true },
    { weight: FIELD_WEIGHTS.category, texts: [m.category], keepWhole: false },
    { weight: FIELD_WEIGHTS.summary, texts: [m.summary], keepWhole: false },
    { weight: FIELD_WEIGHTS.options, texts: options.flatMap((o) => [o.label, ...o.synonyms]), keepWhole: true },
    { weight: FIELD_WEIGHTS.audience, texts: [m.audience.text], keepWhole: false },
    { weight: FIELD_WEIGHTS.materials, texts: m.materials.map((x) => x.name), keepWhole: false },
  ];
}

/** a glossary term standing for a qualifier: the same word, or the word with a short ending (离休 → 离休干部) */
function sameOrLonger(glossaryZh: string, qualifier: string): boolean {
  return glossaryZh === qualifier || ([...qualifier].length >= 2 && glossaryZh.startsWith(qualifier) && glossaryZh.length <= qualifier.length + 2);
}
