/**
 * Grammatical particles written as syllables of their own: case markers, connectives,
 * nominalisers. They carry no meaning for search and are dropped on both sides, so
 * "སྨན་བཅོས་འགན་བཅོལ་གྱི་ཐོ་འགོད" and "སྨན་བཅོས་འགན་བཅོལ་ཐོ་འགོད" give the same syllables.
 * ལས (ablative, but also "work" in ལས་ཁུངས), ཞིང (also "field" in ཞིང་འབྲོག) and ལམ
 * (also "road" in ལམ་ཡིག) are kept.
 */
const PARTICLES = new Set([
  'གི',
  'ཀྱི',
  'གྱི',
  'འི',
  'ཡི',
  'གིས',
  'ཀྱིས',
  'གྱིས',
  'འིས',
  'ཡིས',
  'ལ',
  'ན',
  'ར',
  'རུ',
  'སུ',
  'ཏུ',
  'དུ',
  'ནས',
  'དང',
  'ཏེ',
  'སྟེ',
  'ཅིང',
  'ཤིང',
  'ཀྱང',
  'ཡང',
  'འང',
  'པ',
  'བ',
  'པོ',
  'བོ',
  'པར',
  'བར',
  'གམ',
  'ངམ',
  'དམ',
  'ནམ',
  'བམ',
  'མམ',
  'འམ',
  'རམ',
  'སམ',
  'ཏམ',
]);

/**
 * Particles fused into the syllable before them: genitive ཐེམ་ཐོའི, instrumental
 * ངའིས, final འོ, alternative འམ, concessive འང. The syllable keeps its base.
 */
const FUSED = ['འིས', 'འི', 'འོ', 'འམ', 'འང'];
/**
 * Dative ར and ergative ས fuse too (ལྷ་སར, ངས), but both are also ordinary final
 * letters (བར, ནས): they are split off only when the syllable is unknown and its
 * base is a known syllable.
 */
const FUSED_IF_KNOWN = ['ར', 'ས'];

/**
 * Words that say nothing about which matter is meant: pronouns, copulas and
 * auxiliaries, question words, politeness. They neither match nor dilute.
 */
export const TIBETAN_STOPWORDS: ReadonlySet<string> = new Set([
  'ང',
  'ངས',
  'ངེད',
  'ཁྱེད',
  'ཁྱོད',
  'ཁོང',
  'ཁོ',
  'མོ',
  'ཚོ',
  'རང',
  'འདི',
  'དེ',
  'ཡིན',
  'ཡོད',
  'རེད',
  'འདུག',
  'མིན',
  'མེད',
  'ཡོང',
  'སོང',
  'བྱུང',
  'ཐུབ',
  'ཆོག',
  'དགོས',
  'མཁོ',
  'ག',
  'རེ',
  'ཅི',
  'ཇི',
  'ལྟར',
  'ཞིག',
  'ཅིག',
  'ཤིག',
  'དག',
  'ཟེར',
  'གང',
  'ཚོད',
  'དུས',
  'འདྲ',
  'ཨེ',
  'ཨང',
  'ལགས',
  'ཞུ',
  'བྱེད',
  'བྱས',
  'བྱ',
  'གནང',
]);

export interface TibetanSyllable {
  text: string;
  /** a grammatical particle (written alone or split off the syllable before it) */
  particle: boolean;
  /** phrase number: n-grams never span a boundary */
  phrase: number;
}

/**
 * Splits normalised Tibetan (see TibetanNormalizer) into syllables on the tsheg, with
 * particles separated and dropped, and forms syllable n-grams for matching.
 */
export class TibetanSegmenter {
  private known: ReadonlySet<string> = new Set();

  /** syllables the index knows, so a fused ར / ས is split off only where it makes a known word */
  setVocabulary(known: ReadonlySet<string>): void {
    this.known = known;
  }

  /** every syllable, particles split off but kept, in order, for display and debugging */
  syllables(normalized: string): TibetanSyllable[] {
    const out: TibetanSyllable[] = [];
    normalized.split(' ').forEach((phrase, p) => {
      for (const raw of phrase.split('\u0F0B')) {
        if (!/[\u0F40-\u0FBC]/u.test(raw)) continue;
        const { base, particle } = this.split(raw);
        if (base !== '') out.push({ text: base, particle: PARTICLES.has(base), phrase: p });
        if (particle !== undefined) out.push({ text: particle, particle: true, phrase: p });
      }
    });
    return out;
  }

  /** the syllables that carry meaning: particles dropped */
  content(normalized: string): TibetanSyllable[] {
    return this.syllables(normalized).filter((s) => !s.particle);
  }

  /** n-grams of 1…max content syllables within a phrase, with their syllable span */
  ngrams(syllables: readonly TibetanSyllable[], max = 4): { text: string; start: number; end: number }[] {
    const out: { text: string; start: number; end: number }[] = [];
    for (let i = 0; i < syllables.length; i++) {
      const phrase = syllables[i]!.phrase;
      let text = '';
      for (let n = 1; n <= max && i + n <= syllables.length; n++) {
        const s = syllables[i + n - 1]!;
        if (s.phrase !== phrase) break;
        text = n === 1 ? s.text : `${text}\u0F0B${s.text}`;
        out.push({ text, start: i, end: i + n });
      }
    }
    return out;
  }

  private split(syllable: string): { base: string; particle?: string } {
    for (const f of FUSED) {
      if (syllable.length > f.length && syllable.endsWith(f)) return { base: syllable.slice(0, -f.length), particle: f };
    }
    if (!this.known.has(syllable)) {
      for (const f of FUSED_IF_KNOWN) {
        const base = syllable.slice(0, -f.length);
        if (syllable.endsWith(f) && base !== '' && this.known.has(base)) return { base, particle: f };
      }
    }
    return { base: syllable };
  }
}
