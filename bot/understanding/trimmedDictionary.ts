/** One line of a jieba dictionary: `word freq tag`. */
export interface DictEntry {
  word: string;
  freq: number;
  tag: string;
}

export interface TrimOptions {
  /** the most frequent words kept whatever the texts say (the language's core, for questions never seen) */
  core: number;
  /** texts whose every dictionary word is kept, so they segment exactly as with the whole dictionary */
  texts: readonly string[];
}

/** Private-use characters: no question or knowledge text holds them, so the padding words never match. */
const PAD = 0xe000;

/**
 * A jieba dictionary trimmed to what the assistant needs, that segments every kept word exactly
 * as the whole one does. cppjieba weighs a word log(freq / sum of all freqs), gives a character
 * it does not know the smallest weight, and a word added at run time (insertWord) the median one;
 * so the trimmed list is padded with words no text can hold that keep the sum, the minimum and
 * the median where the whole dictionary had them.
 */
export function trimDictionary(full: readonly DictEntry[], options: TrimOptions): DictEntry[] {
  if (full.length === 0) throw new Error('the dictionary is empty');
  const wanted = new Set<string>();
  const byFreq = full.map((e, i) => ({ freq: e.freq, i })).sort((a, b) => b.freq - a.freq || a.i - b.i);
  for (const { i } of byFreq.slice(0, options.core)) wanted.add(full[i]!.word);
  const words = new Set(full.map((e) => e.word));
  const longest = full.reduce((m, e) => Math.max(m, e.word.length), 0);
  for (const text of options.texts) {
    for (let start = 0; start < text.length; start++) {
      for (let end = start + 1; end <= Math.min(text.length, start + longest); end++) {
        const piece = text.slice(start, end);
        if (words.has(piece)) wanted.add(piece);
      }
    }
  }
  const kept = full.filter((e) => wanted.has(e.word));

  const sorted = full.map((e) => e.freq).sort((a, b) => a - b);
  const min = sorted[0]!;
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const sum = full.reduce((s, e) => s + e.freq, 0);
  let padding = 0;
  const pad = (freq: number): DictEntry => ({ word: String.fromCharCode(PAD + Math.floor(padding / 4096), PAD + (padding++ % 4096)), freq, tag: 'x' });

  const extra: DictEntry[] = [pad(min)];
  const keptSum = kept.reduce((s, e) => s + e.freq, 0) + min;
  // the rest of the mass in one word, above the median
  const below = kept.filter((e) => e.freq < median).length + (min < median ? 1 : 0);
  const above = kept.filter((e) => e.freq > median).length + 1;
  let equal = kept.filter((e) => e.freq === median).length + (min === median ? 1 : 0);
  // enough words of the median's frequency that the middle of the sorted list is one of them
  const middle = (): number => Math.floor((below + above + equal) / 2);
  while (!(below <= middle() && middle() < below + equal)) {
    extra.push(pad(median));
    equal++;
  }
  const rest = sum - keptSum - (extra.length - 1) * median;
  if (!(rest > median)) throw new Error(`nothing left to trim: the rest ${rest} is not above the median ${median}`);
  extra.push(pad(rest));
  return [...kept, ...extra];
}

export function parseDictionary(text: string): DictEntry[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [word, freq, tag] = line.split(' ');
      return { word: word!, freq: Number(freq), tag: tag! };
    });
}

export function formatDictionary(entries: readonly DictEntry[]): string {
  return entries.map((e) => `${e.word} ${e.freq} ${e.tag}\n`).join('');
}
