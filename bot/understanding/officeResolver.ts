import { pinyin } from 'pinyin-pro';
import type { OfficeDirectory } from '../knowledge/officeDirectory.js';
import type { Level, Office } from '../knowledge/schema.js';
import { TermAutomaton } from './termAutomaton.js';
import { firstChars, UNDERSTOOD_CHARS } from './textBound.js';

export interface OfficeMatch {
  office: Office;
  /** 0..1 */
  score: number;
  /** the text that matched */
  matched: string;
}

export interface OfficeResolution {
  outcome: 'match' | 'ambiguous' | 'none';
  /** best first: the most specific office first */
  matches: OfficeMatch[];
}

export interface OfficeResolverOptions {
  /**
   * Ordinary words that contain a place name (规定日期 holds 定日, 参加查询 holds 加查): knowledge/lexicon.json placeBlockers.
   * They take part in the longest-match competition like names do, but name no office,
   * so the characters they cover cannot be read as a place.
   */
  blockers?: readonly string[];
}

type TermKind = 'name' | 'alias' | 'former' | 'tibetan' | 'tibetanDraft' | 'tibetanBare';

const KIND_SCORE: Record<TermKind, number> = {
  name: 1,
  alias: 0.95,
  former: 0.9,
  tibetan: 0.9,
  tibetanDraft: 0.8,
  tibetanBare: 0.8,
};

/** current names beat former names and Tibetan forms when one string names two offices */
const KIND_RANK: Record<TermKind, number> = {
  name: 0,
  alias: 0,
  former: 1,
  tibetan: 1,
  tibetanDraft: 1,
  tibetanBare: 1,
};

const PINYIN_SCORE = 0.6;
/** when one string names several offices equally well */
const SHARED_TERM_FACTOR = 0.8;
/** a county named together with a prefecture it does not belong to */
const FOREIGN_PREFECTURE_FACTOR = 0.6;
/** a county named together with its own prefecture */
const OWN_PREFECTURE_BONUS = 0.05;

const LEVEL_ORDER: Record<Level, number> = { county: 0, prefecture: 1, region: 2 };

/** Tibetan administrative suffixes: county, district, city, prefecture */
const TIBETAN_SUFFIXES = ['་གྲོང་ཁྱེར', '་གྲོང་ཆུས', '་ས་ཁུལ', '་རྫོང', '་ཆུས'];
const TIBETAN_LETTER = /[\u0F40-\u0FBC]/u;
const HAN = /\p{Script=Han}/u;
const CHINESE_SUFFIX = /(地区|县|区|市)$/u;

interface Entry {
  office: Office;
  kind: TermKind;
  score: number;
}

interface Term {
  text: string;
  /** the offices the term names once ties are settled; empty for a blocker */
  entries: Entry[];
  /** every office that carries the term (current, former or Tibetan) */
  carriers: Office[];
  tibetan: boolean;
}

interface Span {
  start: number;
  end: number;
  term: Term;
}

interface Hit {
  office: Office;
  score: number;
  matched: string;
  start: number;
}

/**
 * Finds the 医保 office a person means in free text. Matching is by whole names
 * (longest first, no character used twice), never by character similarity, so
 * 江孜 is never read as 江达; a pinyin fallback catches wrong characters typed
 * with the right sound, only where no other office has that sound.
 */
/** words that mark a place as the person's registration or insurance place */
const REGISTRATION_BEFORE = /(户口|户籍|户口本|老家|参保地|参的保|参保在)[^，。,.;；]{0,3}$/u;
const REGISTRATION_AFTER = /^(的)?(户口|户籍|参保|人)/u;

export class OfficeResolver {
  private readonly terms: Term[] = [];
  /** pinyin of a name stem (syllables joined by spaces) → the one office it names */
  private readonly pinyinIndex = new Map<string, { office: Office }>();
  /** every key of pinyinIndex up to its first space: a window whose joined text starts otherwise cannot be a key */
  private readonly pinyinFirsts = new Set<string>();
  /** every occurrence of every term in one pass (was an indexOf loop per term per question) */
  private readonly automaton: TermAutomaton;

  /** the directory has checked the hierarchy; this only indexes its names */
  constructor(
    private readonly directory: OfficeDirectory,
    options: OfficeResolverOptions = {},
  ) {
    this.buildTerms(options.blockers ?? []);
    this.buildPinyinIndex();
    this.automaton = new TermAutomaton(this.terms.map((t) => t.text));
  }

  /** text is already normalised (simplified Chinese, half-width) */
  resolve(text: string): OfficeResolution {
    // Bounded here too, for callers that come straight from a dialog: twice the understood
    // part, because Understanding hands over a message's Chinese and Tibetan side by side.
    const normalized = firstChars(text, 2 * UNDERSTOOD_CHARS)
      .normalize('NFKC')
      .replace(/་\s+/gu, '་');
    const covered = new Array<boolean>(normalized.length).fill(false);
    const hits: Hit[] = [];

    for (const span of this.chooseSpans(normalized)) {
      for (let i = span.start; i < span.end; i++) covered[i] = true;
      const shared = new Set(span.term.entries.map((e) => e.office)).size > 1;
      for (const e of span.term.entries) {
        hits.push({
          office: e.office,
          score: shared ? e.score * SHARED_TERM_FACTOR : e.score,
          matched: span.term.text,
          start: span.start,
        });
      }
    }
    hits.push(...this.pinyinHits(normalized, covered));
    return this.decide(hits, normalized);
  }

  // ---------------------------------------------------------------------------

  private buildTerms(blockers: readonly string[]): void {
    const byText = new Map<string, { entries: Entry[]; tibetan: boolean }>();
    const add = (raw: string, office: Office, kind: TermKind, tibetan: boolean): void => {
      const text = raw.normalize('NFKC').trim();
      if (text === '') return;
      const slot = byText.get(text) ?? { entries: [], tibetan };
      byText.set(text, slot);
      const same = slot.entries.find((e) => e.office === office);
      const score = KIND_SCORE[kind];
      if (same === undefined) {
        slot.entries.push({ office, kind, score });
      } else if (KIND_RANK[kind] < KIND_RANK[same.kind] || (KIND_RANK[kind] === KIND_RANK[same.kind] && score > same.score)) {
        same.kind = kind;
        same.score = score;
      }
    };

    for (const o of this.directory.offices) {
      add(o.name, o, 'name', false);
      add(o.division, o, 'name', false);
      for (const a of o.aliases) add(a, o, 'alias', false);
      for (const f of o.formerNames) add(f, o, 'former', false);
      for (const t of o.tibetan) {
        const full = stripTibetanEnd(t.script.normalize('NFKC'));
        add(full, o, t.status === 'verified' ? 'tibetan' : 'tibetanDraft', true);
        const bare = bareTibetan(full);
        if (bare !== undefined) add(bare, o, 'tibetanBare', true);
      }
    }

    for (const [text, slot] of byText) {
      this.terms.push({
        text,
        entries: pickEntries(slot.entries),
        carriers: slot.entries.map((e) => e.office),
        tibetan: slot.tibetan,
      });
    }
    for (const b of blockers) {
      const text = b.normalize('NFKC').trim();
      if (text !== '' && !byText.has(text)) this.terms.push({ text, entries: [], carriers: [], tibetan: false });
    }
  }

  private buildPinyinIndex(): void {
    const seen = new Map<string, Set<Office>>();
    for (const term of this.terms) {
      if (term.tibetan || term.entries.length === 0) continue;
      const stem = chineseStem(term.text);
      if (stem === undefined) continue;
      const key = syllablesOf(stem).join(' ');
      const set = seen.get(key) ?? new Set<Office>();
      for (const o of term.carriers) set.add(o);
      seen.set(key, set);
    }
    for (const [key, set] of seen) {
      // never guess when two offices sound alike
      const only = set.size === 1 ? [...set][0] : undefined;
      if (only !== undefined) {
        this.pinyinIndex.set(key, { office: only });
        this.pinyinFirsts.add(headOf(key));
      }
    }
  }

  /** every term occurrence, then the longest first without reusing a character */
  private chooseSpans(text: string): Span[] {
    const found: Span[] = [];
    // the same occurrences the indexOf loop found, overlapping ones included; the sort below orders them totally
    // (no two terms share a text), so the order they are found in does not matter
    for (const { term: index, start, end } of this.automaton.all(text)) {
      const term = this.terms[index]!;
      if (!term.tibetan || (isTibetanBoundary(text, start - 1) && isTibetanBoundary(text, end))) found.push({ start, end, term });
    }
    found.sort(
      (a, b) =>
        b.end - b.start - (a.end - a.start) ||
        // a name beats an ordinary word of the same length
        Number(a.term.entries.length === 0) - Number(b.term.entries.length === 0) ||
        a.start - b.start,
    );
    const used = new Array<boolean>(text.length).fill(false);
    const chosen: Span[] = [];
    for (const span of found) {
      let free = true;
      for (let i = span.start; i < span.end && free; i++) if (used[i]) free = false;
      if (!free) continue;
      for (let i = span.start; i < span.end; i++) used[i] = true;
      // blockers are kept too: their characters are covered, so nothing else reads them
      chosen.push(span);
    }
    return chosen;
  }

  /** wrong characters with the right sound (扎达县 for 札达县), on characters no name covered */
  private pinyinHits(text: string, covered: boolean[]): Hit[] {
    const hits: Hit[] = [];
    for (const run of hanRuns(text, covered)) {
      const syllables = syllablesOf(run.map((c) => c.ch).join(''));
      const taken = new Array<boolean>(run.length).fill(false);
      // a window's joined syllables equal a key only if they agree up to the first space (exact: no answer changes)
      const mayStart = syllables.map((s) => this.pinyinFirsts.has(headOf(s)));
      for (let n = Math.min(run.length, 12); n >= 2; n--) {
        for (let i = 0; i + n <= run.length; i++) {
          if (mayStart[i] === false) continue;
          if (taken.slice(i, i + n).some(Boolean)) continue;
          const hit = this.pinyinIndex.get(syllables.slice(i, i + n).join(' '));
          if (hit === undefined) continue;
          const first = run[i];
          const last = run[i + n - 1];
          if (first === undefined || last === undefined) continue;
          const end = last.index + last.ch.length;
          // two syllables are too easily an ordinary word: only with 县/区/市/地区 written after them
          if (n < 3 && !/^(县|区|市|地区)/u.test(text.slice(end))) continue;
          for (let k = i; k < i + n; k++) taken[k] = true;
          hits.push({ office: hit.office, score: PINYIN_SCORE, matched: text.slice(first.index, end), start: first.index });
        }
      }
    }
    return hits;
  }

  private decide(raw: Hit[], text: string): OfficeResolution {
    // one office named several times: keep its best mention
    const best = new Map<Office, Hit>();
    for (const h of raw) {
      const prev = best.get(h.office);
      if (prev === undefined || h.score > prev.score || (h.score === prev.score && h.start < prev.start)) {
        best.set(h.office, { ...h });
      }
    }
    const hits = [...best.values()];

    // a county absorbs its own prefecture and the region; a prefecture absorbs the region
    const kept = hits.filter((x) => !hits.some((y) => y !== x && this.directory.isAncestor(x.office, y.office)));
    for (const h of kept) {
      if (h.office.level !== 'county') continue;
      const own = hits.some((y) => y.office.level === 'prefecture' && y.office.division === h.office.prefecture);
      const foreign = kept.some((y) => y.office.level === 'prefecture' && y.office.division !== h.office.prefecture);
      if (own) h.score = Math.min(1, h.score + OWN_PREFECTURE_BONUS);
      if (foreign) h.score *= FOREIGN_PREFECTURE_FACTOR;
    }

    kept.sort((a, b) => LEVEL_ORDER[a.office.level] - LEVEL_ORDER[b.office.level] || b.score - a.score || a.start - b.start);
    // Of several places, the one named as where the person is registered or insured is theirs
    // ("户口在林芝县，现在在拉萨打工", "我是那曲参保的"): it goes first and decides.
    const cued = kept.filter(
      (h) =>
        REGISTRATION_BEFORE.test(text.slice(Math.max(0, h.start - 6), h.start)) ||
        REGISTRATION_AFTER.test(text.slice(h.start + h.matched.length, h.start + h.matched.length + 4)),
    );
    if (kept.length > 1 && cued.length === 1) {
      const home = cued[0]!;
      kept.splice(kept.indexOf(home), 1);
      kept.unshift(home);
    }
    const matches = kept.map((h) => ({ office: h.office, score: round(h.score), matched: h.matched }));
    const outcome = matches.length === 0 ? 'none' : matches.length === 1 || (cued.length === 1 && kept.length > 1) ? 'match' : 'ambiguous';
    return { outcome, matches };
  }
}

/**
 * When one string names several offices: current names beat former ones, then the
 * higher level wins (日喀则 is the prefecture, not the former county-level 日喀则市).
 * Offices still tied are all kept, and the text is read as ambiguous.
 */
function pickEntries(entries: Entry[]): Entry[] {
  if (entries.length <= 1) return entries;
  const rank = Math.min(...entries.map((e) => KIND_RANK[e.kind]));
  const ranked = entries.filter((e) => KIND_RANK[e.kind] === rank);
  const level = Math.max(...ranked.map((e) => LEVEL_ORDER[e.office.level]));
  return ranked.filter((e) => LEVEL_ORDER[e.office.level] === level);
}

function stripTibetanEnd(script: string): string {
  return script.replace(/[\s་།༎༑]+$/u, '');
}

/** ལྷ་ས་གྲོང་ཁྱེར → ལྷ་ས; kept only with two syllables or more (one is too often an ordinary word) */
function bareTibetan(script: string): string | undefined {
  for (const suffix of TIBETAN_SUFFIXES) {
    if (script.endsWith(suffix)) {
      const bare = script.slice(0, -suffix.length);
      return bare.includes('་') ? bare : undefined;
    }
  }
  return undefined;
}

function isTibetanBoundary(text: string, index: number): boolean {
  const ch = text[index];
  return ch === undefined || !TIBETAN_LETTER.test(ch);
}

/** a name without its 县/区/市/地区, when at least two Chinese characters remain */
function chineseStem(term: string): string | undefined {
  if (!Array.from(term).every((c) => HAN.test(c))) return undefined;
  const stem = term.replace(CHINESE_SUFFIX, '');
  return Array.from(stem).length >= 2 ? stem : undefined;
}

/** `text` up to its first space */
function headOf(text: string): string {
  const space = text.indexOf(' ');
  return space < 0 ? text : text.slice(0, space);
}

function syllablesOf(han: string): string[] {
  return pinyin(han, { toneType: 'none', type: 'array' }).map((s) => s.replace(/ü/gu, 'v'));
}

/** maximal runs of Chinese characters that no name covered, with their positions */
function hanRuns(text: string, covered: boolean[]): { ch: string; index: number }[][] {
  const runs: { ch: string; index: number }[][] = [];
  let run: { ch: string; index: number }[] = [];
  let index = 0;
  for (const ch of text) {
    if (HAN.test(ch) && !covered[index]) {
      run.push({ ch, index });
    } else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
    index += ch.length;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function round(score: number): number {
  return Math.round(Math.max(0, Math.min(1, score)) * 1000) / 1000;
}
