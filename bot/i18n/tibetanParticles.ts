/**
 * Tibetan case particles that agree with the word before them, so templates never join a
 * name and a particle by hand. Registered as i18next formatters by the Localizer:
 * `{{name, gen}}་སྨན་བཅོས` gives རྒྱལ་རྩེའི་སྨན་བཅོས, བོད་རང་སྐྱོང་ལྗོངས་ཀྱི་སྨན་བཅོས.
 *
 * The particle is chosen by the last letter of the last syllable, as the grammars teach
 * (Sum rtags; Hahn, Lehrbuch der klassischen tibetischen Schriftsprache §6–9):
 *
 * | final letter      | gen  | agt   | ladon | quot | also |
 * | ----------------- | ---- | ----- | ----- | ---- | ---- |
 * | ག ང               | གི   | གིས   | ག: ཏུ, ང: དུ | ག: ཅེས, ང: ཞེས | ག: ཀྱང, ང: ཡང |
 * | ད བ ས             | ཀྱི  | ཀྱིས  | ད: དུ, བ: ཏུ, ས: སུ | ད བ: ཅེས, ས: ཤེས | ཀྱང |
 * | ན མ ར ལ           | གྱི  | གྱིས  | དུ    | ཞེས  | ཡང  |
 * | vowel, suffix འ   | འི   | ས     | ར     | ཞེས  | ཡང  |
 *
 * A vowel-final word fuses with འི / ས / ར into its own last syllable (རྒྱལ་རྩེ → རྒྱལ་རྩེའི,
 * རྒྱལ་རྩེས, རྒྱལ་རྩེར; a suffix འ gives way: ས་དགའ → ས་དགའི, ས་དགས, ས་དགར). Every other
 * particle is a syllable of its own after a tsheg. `la`, `na`, `abl` (ནས), `las` (ལས) never
 * change but still need the tsheg; `tsheg` is the bare word ready for any following syllable,
 * `shad` the word closing a clause (a tsheg only after ང: ཤིང་།), `bare` the word alone.
 *
 * Fallbacks, for a value this rule cannot read:
 * - a word inside quotes or brackets (“རྒྱལ་རྩེ”): the particle agrees with the last syllable
 *   inside but cannot fuse across the mark, so a vowel takes the syllabic forms ཡི / ཡིས / རུ,
 *   written straight after the mark with no tsheg;
 * - a value ending in a Chinese character, a Latin letter or a digit (a name with no Tibetan
 *   yet, a number): no final letter to agree with, so the forms that follow any word (ཡི, ཡིས,
 *   ལ, ཞེས, ཡང), after a space, since a tsheg belongs only after Tibetan.
 */
export type ParticleCase = 'gen' | 'agt' | 'ladon' | 'la' | 'na' | 'abl' | 'las' | 'quot' | 'also' | 'tsheg' | 'shad' | 'bare' | 'quote';

/** Every formatter name; `quote` wraps the word in “ ” and chains: `{{title, quote, gen}}` → “རྒྱལ་རྩེ”ཡི. */
export const PARTICLE_CASES: readonly ParticleCase[] = ['gen', 'agt', 'ladon', 'la', 'na', 'abl', 'las', 'quot', 'also', 'tsheg', 'shad', 'bare', 'quote'];

/** How a word ends, for agreement. */
type Final = 'ག' | 'ང' | 'ད' | 'ན' | 'བ' | 'མ' | 'ར' | 'ལ' | 'ས' | 'vowel' | 'foreign';

const TSHEG = '\u0F0B';
const SHAD = '\u0F0D';
/** tsheg, non-breaking tsheg, the shads, white space: what may trail a name and is dropped first */
const TRAILING = /[\s\u0F0B\u0F0C\u0F0D-\u0F14]+$/u;
const CLOSING_MARKS = /[”’"'」』）)\]】》〉]+$/u;
const SUFFIXES = new Set(['ག', 'ང', 'ད', 'ན', 'བ', 'མ', 'འ', 'ར', 'ལ', 'ས']);
const isBase = (c: string): boolean => c >= '\u0F40' && c <= '\u0F6C';
const isSubjoined = (c: string): boolean => c >= '\u0F90' && c <= '\u0FBC';
const isVowelSign = (c: string): boolean => (c >= '\u0F71' && c <= '\u0F7D') || (c >= '\u0F80' && c <= '\u0F81');

/** The particles whose form depends on the final letter (vowel: the fused form). */
const AGREEING: Record<'gen' | 'agt' | 'ladon' | 'quot' | 'also', Record<Final, string>> = {
  gen: { ག: 'གི', ང: 'གི', ད: 'ཀྱི', བ: 'ཀྱི', ས: 'ཀྱི', ན: 'གྱི', མ: 'གྱི', ར: 'གྱི', ལ: 'གྱི', vowel: 'འི', foreign: 'ཡི' },
  agt: { ག: 'གིས', ང: 'གིས', ད: 'ཀྱིས', བ: 'ཀྱིས', ས: 'ཀྱིས', ན: 'གྱིས', མ: 'གྱིས', ར: 'གྱིས', ལ: 'གྱིས', vowel: 'ས', foreign: 'ཡིས' },
  ladon: { ག: 'ཏུ', བ: 'ཏུ', ང: 'དུ', ད: 'དུ', ན: 'དུ', མ: 'དུ', ར: 'དུ', ལ: 'དུ', ས: 'སུ', vowel: 'ར', foreign: 'ལ' },
  quot: { ག: 'ཅེས', ད: 'ཅེས', བ: 'ཅེས', ས: 'ཤེས', ང: 'ཞེས', ན: 'ཞེས', མ: 'ཞེས', ར: 'ཞེས', ལ: 'ཞེས', vowel: 'ཞེས', foreign: 'ཞེས' },
  also: { ག: 'ཀྱང', ད: 'ཀྱང', བ: 'ཀྱང', ས: 'ཀྱང', ང: 'ཡང', ན: 'ཡང', མ: 'ཡང', ར: 'ཡང', ལ: 'ཡང', vowel: 'ཡང', foreign: 'ཡང' },
};
/** A vowel's particle as a syllable of its own, where it cannot fuse (after a closing quote). */
const SYLLABIC_AFTER_VOWEL: Partial<Record<ParticleCase, string>> = { gen: 'ཡི', agt: 'ཡིས', ladon: 'རུ' };
const INVARIANT: Partial<Record<ParticleCase, string>> = { la: 'ལ', na: 'ན', abl: 'ནས', las: 'ལས' };

export class TibetanParticles {
  /** `word` with the particle `kind` agreeing with it, the tsheg placed (see the table above). */
  static attach(word: string, kind: ParticleCase): string {
    const text = word.replace(TRAILING, '');
    if (text === '') return '';
    if (kind === 'bare') return text;
    if (kind === 'quote') return `“${text}”`;
    const closing = CLOSING_MARKS.exec(text);
    if (closing) return TibetanParticles.afterMark(text, closing.index, kind);
    const final = TibetanParticles.finalOf(text);
    if (final === 'foreign')
      return kind === 'tsheg' ? `${text} ` : kind === 'shad' ? `${text}${SHAD}` : `${text} ${TibetanParticles.particle(kind, 'foreign')}`;
    if (kind === 'tsheg') return text + TSHEG;
    if (kind === 'shad') return final === 'ང' && text.endsWith('ང') ? text + TSHEG + SHAD : text + SHAD;
    const particle = TibetanParticles.particle(kind, final);
    if (final === 'vowel' && (kind === 'gen' || kind === 'agt' || kind === 'ladon')) {
      // fuse: a final suffix འ gives way to the particle (དགའ + ས → དགས; དགའ + འི → དགའི)
      const stem = text.endsWith('འ') && TibetanParticles.lastSyllable(text).length > 1 ? text.slice(0, -1) : text;
      return stem + particle;
    }
    return text + TSHEG + particle;
  }

  /** The final letter that particles agree with, or `vowel` / `foreign`. */
  static finalOf(word: string): Final {
    const syllable = TibetanParticles.lastSyllable(word.replace(TRAILING, ''));
    const chars = [...syllable];
    const last = chars.at(-1);
    if (last === undefined || !(isBase(last) || isSubjoined(last) || isVowelSign(last) || last === '\u0F7E')) return 'foreign';
    if (last === '\u0F7E') return 'མ'; // anusvara: read as a final m
    if (isVowelSign(last) || isSubjoined(last)) return 'vowel';
    // a base letter: a suffix when something stands before it in the syllable, else the root itself
    const before = chars.slice(0, -1).filter((c) => isBase(c) || isSubjoined(c) || isVowelSign(c));
    if (before.length === 0 || !SUFFIXES.has(last)) return 'vowel';
    return last === 'འ' ? 'vowel' : (last as Final);
  }

  /** i18next formatter for one case: `formatter.add('gen', TibetanParticles.formatter('gen'))`. */
  static formatter(kind: ParticleCase): (value: unknown, lng?: string) => string {
    return (value, lng) => {
      const text = value === undefined || value === null ? '' : String(value as string);
      return lng === undefined || lng === 'bo' ? TibetanParticles.attach(text, kind) : text;
    };
  }

  private static particle(kind: ParticleCase, final: Final): string {
    if (kind in AGREEING) return AGREEING[kind as keyof typeof AGREEING][final];
    return INVARIANT[kind] ?? '';
  }

  /** After a closing quote or bracket: agree with the text inside, never fuse, no tsheg. */
  private static afterMark(text: string, markAt: number, kind: ParticleCase): string {
    if (kind === 'tsheg') return text;
    if (kind === 'shad') return text + SHAD;
    const final = TibetanParticles.finalOf(text.slice(0, markAt).replace(/^[“‘"'「『（(\[【《〈]+/u, ''));
    const particle = final === 'vowel' ? (SYLLABIC_AFTER_VOWEL[kind] ?? TibetanParticles.particle(kind, final)) : TibetanParticles.particle(kind, final);
    return text + particle;
  }

  private static lastSyllable(text: string): string {
    const cut = Math.max(text.lastIndexOf(TSHEG), text.lastIndexOf('\u0F0C'), text.search(/\s\S*$/u));
    return cut >= 0 ? text.slice(cut + 1) : text;
  }
}
