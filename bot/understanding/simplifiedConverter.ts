// the traditional-to-simplified build (hk2s, tw2s and their tables, ~0.1 MB): the full one, with every other direction, is
// 2.3 MB of the server bundle to parse at every start (issue 15); its hk2s and tw2s configurations are the same tables
import * as OpenCC from 'opencc-js/t2cn';

type Dict = string | readonly (readonly [string, string])[];
interface OpenCCConfig {
  normalizationChain?: readonly (readonly Dict[])[];
  conversionChain: readonly (readonly Dict[])[];
}

/**
 * Traditional (Hong Kong and Taiwan forms both appear in what people paste) to simplified Chinese
 * through OpenCC, skipped for a text that no entry of OpenCC's tables could change: most questions
 * are simplified already, and the two conversions are eight passes over the text.
 */
export class SimplifiedConverter {
  readonly #convert: (text: string) => string;
  /** characters that some entry of OpenCC's tables changes on their own (traditional forms: 醫, 麼, 么 → 幺) */
  readonly #changing: ReadonlySet<string>;
  /** the entries of several characters none of which changes on its own (反覆 → 反复), by first character */
  readonly #phrases: ReadonlyMap<string, readonly string[]>;

  constructor() {
    const fromHk = OpenCC.Converter({ from: 'hk', to: 'cn' });
    const fromTw = OpenCC.Converter({ from: 'tw', to: 'cn' });
    this.#convert = (text) => fromTw(fromHk(text));
    // Converter({ from: 'hk' | 'tw', to: 'cn' }) runs these two configurations, every pass of them.
    const configs = OpenCC.Locale.configs as unknown as Record<string, OpenCCConfig>;
    const changed = ['hk2s', 'tw2s']
      .flatMap((name) => {
        const config = configs[name];
        if (!config) throw new Error(`OpenCC has no ${name} configuration`);
        return [...(config.normalizationChain ?? []), ...config.conversionChain].flat().flatMap(entries);
      })
      .filter(([from, to]) => from !== '' && from !== to)
      .map(([from]) => [...from]);
    this.#changing = new Set(changed.filter((chars) => chars.length === 1).map((chars) => chars[0]!));
    const phrases = new Map<string, string[]>();
    for (const chars of changed) {
      if (chars.some((ch) => this.#changing.has(ch))) continue;
      const list = phrases.get(chars[0]!) ?? [];
      if (!list.includes(chars.join(''))) list.push(chars.join(''));
      phrases.set(chars[0]!, list);
    }
    this.#phrases = phrases;
  }

  convert(text: string): string {
    return this.mayChange(text) ? this.#convert(text) : text;
  }

  /**
   * Whether some entry of OpenCC's tables could change `text`; false means convert() gives it back
   * as it is. An entry changes a text only where it matches, so only where all its characters are
   * present: an entry with a character that changes on its own is caught by that character, any
   * other by looking for it whole. Entries that give back their own text change nothing, and a pass
   * that changes nothing hands the next one the same text.
   */
  mayChange(text: string): boolean {
    for (let i = 0; i < text.length;) {
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      if (this.#changing.has(ch)) return true;
      const phrases = this.#phrases.get(ch);
      if (phrases?.some((phrase) => text.startsWith(phrase, i))) return true;
      i += ch.length;
    }
    return false;
  }

  /** OpenCC on every text, never skipped: what convert() must always equal */
  convertAlways(text: string): string {
    return this.#convert(text);
  }
}

/** A table's entries as OpenCC's Trie.loadDict reads them ("from to|from to", or pairs). */
function entries(dict: Dict): (readonly [string, string])[] {
  if (typeof dict !== 'string') return [...dict];
  return dict.split('|').map((line) => {
    const [from = '', to = ''] = line.split(' ');
    return [from, to] as const;
  });
}
