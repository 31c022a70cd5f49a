import jsEWTS from 'jsewts';

/**
 * One EWTS syllable: prefix, superscript, root, subscript, vowel, suffixes, and a fused
 * particle ('i, 'is, 'o, 'am, 'ang). Lower case only: a word typed in capitals (APP, OK)
 * is not Wylie, and EWTS capitals (retroflexes, long vowels) do not occur in questions.
 */
const ROOT = "(?:k|kh|g|ng|c|ch|j|ny|t|th|d|n|p|ph|b|m|ts|tsh|dz|w|zh|z|'|y|r|l|sh|s|h)";
const SYLLABLE = new RegExp(
  `^(?:(?:[gdbm']?[rls]?${ROOT}[yrlw]?|[rls]?${ROOT}[yrlw]?)?[aiueo])` + "(?:g|ng|d|n|b|m|'|r|l|s)?(?:s|d)?(?:'i|'is|'o|'am|'ang|'u)?$",
  'u',
);
/** Latin runs that may be Wylie: letters and apostrophes, words separated by spaces or hyphens */
const LATIN_RUN = /[a-zA-Z'’ʼ]+(?:[\s\-.]+[a-zA-Z'’ʼ]+)*/gu;

export interface WylieRun {
  /** the Latin text as written */
  latin: string;
  /** its Tibetan */
  tibetan: string;
  /** the Tibetan syllables */
  syllables: string[];
}

/**
 * Wylie (EWTS) typed in Latin letters, through jsewts. A run of Latin words is taken
 * as Wylie only when every word is a well-formed EWTS syllable and jsewts converts it
 * without a warning, so "help", "APP" or "ok" stay what they are.
 */
export class TibetanWylie {
  /** the Latin runs of `text` that read as Wylie */
  runs(text: string): WylieRun[] {
    const out: WylieRun[] = [];
    for (const match of text.matchAll(LATIN_RUN)) {
      const latin = match[0];
      const words = latin
        .replace(/[’ʼ]/gu, "'")
        .split(/[\s\-.]+/u)
        .filter((w) => w !== '');
      if (words.length === 0 || !words.every((w) => SYLLABLE.test(w))) continue;
      const warns: string[] = [];
      const tibetan = jsEWTS.fromWylie(words.join(' '), undefined, warns);
      if (warns.length > 0 || /[a-zA-Z]/u.test(tibetan)) continue;
      out.push({ latin, tibetan, syllables: tibetan.split(/[\u0F0B\s]+/u).filter((s) => s !== '') });
    }
    return out;
  }
}
