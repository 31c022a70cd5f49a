import fs from 'node:fs';
import path from 'node:path';
import Fuse from 'fuse.js';
import { pinyin } from 'pinyin-pro';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../bot/config/config.js';
import { QuestionSet } from '../../bot/evaluation/evaluator.js';
import { FuzzyTerms } from '../../bot/understanding/fuzzyTerms.js';
import { HomophoneIndex } from '../../bot/understanding/homophoneIndex.js';
import { TermAutomaton, type TermOccurrence } from '../../bot/understanding/termAutomaton.js';
import { knowledge } from '../support/services.js';
import { seededRandom } from '../support/seededRandom.js';

const firstIndexes = new WeakMap<readonly string[], number[]>();

/**
 * The index of each distinct term where it first stands (the terms `terms.indexOf(term) === index`
 * keeps), once per list: asking indexOf per term per question made the real-vocabulary check quadratic.
 */
function distinctTerms(terms: readonly string[]): number[] {
  let indexes = firstIndexes.get(terms);
  if (!indexes) {
    const seen = new Set<string>();
    indexes = [...terms.keys()].filter((index) => !seen.has(terms[index]!) && seen.add(terms[index]!));
    firstIndexes.set(terms, indexes);
  }
  return indexes;
}

/** What MatterMatcher did before the automaton: indexOf per term, from the end of the last find. */
function naiveNonOverlapping(terms: readonly string[], text: string): TermOccurrence[] {
  const found: TermOccurrence[] = [];
  distinctTerms(terms).forEach((index) => {
    const term = terms[index]!;
    for (let from = 0; ;) {
      const at = text.indexOf(term, from);
      if (at < 0) break;
      found.push({ term: index, start: at, end: at + term.length });
      from = at + term.length;
    }
  });
  return found;
}

function naiveAll(terms: readonly string[], text: string): string[] {
  const found: string[] = [];
  distinctTerms(terms).forEach((index) => {
    const term = terms[index]!;
    for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) found.push(`${index}@${at}`);
  });
  return found.sort();
}

let real: Promise<{ questions: string[]; terms: string[] }> | undefined;

/** Real questions and vocabulary: every labelled question, and the words of every matter (read once per file). */
function realTexts(): Promise<{ questions: string[]; terms: string[] }> {
  real ??= readRealTexts();
  return real;
}

async function readRealTexts(): Promise<{ questions: string[]; terms: string[] }> {
  const dir = path.join(ROOT_DIR, 'test', 'eval');
  const questions = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => QuestionSet.parse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))).map((q) => q.q));
  const kb = await knowledge();
  const whole = kb.matters.flatMap((m) => [m.title, m.category, ...m.keywords, ...m.materials.map((x) => x.name)]);
  // with every two-character run of the titles and keywords: short, overlapping terms, as the segmenter makes
  const pairs = kb.matters.flatMap((m) => [m.title, ...m.keywords]).flatMap((t) => [...t].slice(1).map((c, i) => [...t][i] + c));
  const terms = [...new Set([...whole, ...pairs])].filter((t) => t.length >= 2);
  return { questions, terms };
}

describe('TermAutomaton', () => {
  it('finds what indexOf finds, on seeded random texts over a small alphabet (overlaps, prefixes, suffixes, surrogate pairs)', () => {
    const random = seededRandom(15);
    const alphabet = ['a', 'b', 'c', '医', '保', '𠀋'];
    const pick = (): string => alphabet[Math.floor(random() * alphabet.length)]!;
    const word = (max: number): string => Array.from({ length: 1 + Math.floor(random() * max) }, pick).join('');
    for (let round = 0; round < 300; round++) {
      const terms = Array.from({ length: 1 + Math.floor(random() * 12) }, () => word(4));
      const automaton = new TermAutomaton(terms);
      for (let t = 0; t < 10; t++) {
        const text = word(40);
        expect(automaton.nonOverlapping(text), `${JSON.stringify(terms)} in ${text}`).toEqual(naiveNonOverlapping(terms, text));
        expect(
          automaton
            .all(text)
            .map((o) => `${o.term}@${o.start}`)
            .sort(),
        ).toEqual(naiveAll(terms, text));
      }
    }
  });

  it('finds what indexOf finds for the real vocabulary in every labelled question', async () => {
    const { questions, terms } = await realTexts();
    expect(terms.length).toBeGreaterThan(300);
    const automaton = new TermAutomaton(terms);
    let occurrences = 0;
    for (const q of questions) {
      const found = automaton.nonOverlapping(q);
      occurrences += found.length;
      expect(found, q).toEqual(naiveNonOverlapping(terms, q));
    }
    // the comparison is not vacuous
    expect(occurrences).toBeGreaterThan(questions.length);
  });

  it('finds nothing in an empty text and ignores an empty term', () => {
    expect(new TermAutomaton(['', 'ab']).nonOverlapping('')).toEqual([]);
    expect(new TermAutomaton(['', 'ab']).nonOverlapping('xaby')).toEqual([{ term: 1, start: 1, end: 3 }]);
  });
});

describe('HomophoneIndex', () => {
  const syllablesOf = (text: string): string[] => pinyin(text, { toneType: 'none', type: 'array' }).map((s) => (s.trim() === '' ? '_' : s));

  it('finds each term at the first run of its syllables, as a scan of every term over the spaced syllables did', async () => {
    const { questions, terms } = await realTexts();
    const han = terms.filter((t) => /\p{Script=Han}/u.test(t));
    const termSyllables = han.map((term) => ({ term, syllables: syllablesOf(term) }));
    const index = new HomophoneIndex(termSyllables);
    const keys = new Map(termSyllables.map(({ term, syllables }) => [term, ` ${syllables.join(' ')} `]));
    let found = 0;
    for (const q of [...questions, '报消住院费用', '医保卡挂失 补办', '生玉津贴']) {
      const syllables = syllablesOf(q);
      if (syllables.length !== [...q].length) continue;
      const spaced = ` ${syllables.join(' ')} `;
      const naive: Array<{ term: string; start: number }> = [];
      for (const [term, key] of keys) {
        if (!spaced.includes(key)) continue;
        const before = spaced.slice(0, spaced.indexOf(key)).trim();
        naive.push({ term, start: before === '' ? 0 : before.split(' ').length });
      }
      const fast = index.find(syllables).map(({ term, start }) => ({ term, start }));
      found += fast.length;
      expect(fast, q).toEqual(naive);
    }
    expect(found).toBeGreaterThan(100);
  });
});

describe('FuzzyTerms', () => {
  it('answers what one fuse.js over every term answers, on seeded words cut from real questions', async () => {
    const { questions, terms } = await realTexts();
    const options = { includeScore: true, threshold: 0.34, ignoreLocation: true };
    const full = new Fuse(terms, options);
    const fuzzy = new FuzzyTerms(terms, options);
    const random = seededRandom(1515);
    let hits = 0;
    for (let n = 0; n < 400; n++) {
      const q = questions[Math.floor(random() * questions.length)]!;
      const start = Math.floor(random() * q.length);
      const word = q.slice(start, start + 2 + Math.floor(random() * 5));
      if (word.length < 2) continue;
      const expected = full.search(word, { limit: 1 })[0];
      const got = fuzzy.best(word);
      expect(got, word).toEqual(expected && { item: expected.item, score: expected.score });
      if (got) hits++;
    }
    expect(hits).toBeGreaterThan(50);
  });
});
