import type { Lexicon } from '../knowledge/schema.js';

/**
 * Rewrites what citizens say into the words the documents use
 * (新农合 → 城乡居民医保, 报账 → 报销), longest variant first, in one pass so a
 * replacement is never rewritten again.
 */
export class SynonymExpander {
  private readonly pattern: RegExp | null;
  private readonly canonicalOf: ReadonlyMap<string, string>;

  /** `normalize` is applied to the variants so they meet the text in the same form. */
  constructor(synonyms: Lexicon['synonyms'], normalize: (s: string) => string) {
    const map = new Map<string, string>();
    for (const s of synonyms) {
      for (const v of s.variants) map.set(normalize(v), normalize(s.canonical));
    }
    this.canonicalOf = map;
    const variants = [...map.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = variants.length > 0 ? new RegExp(variants.join('|'), 'g') : null;
  }

  expand(text: string): string {
    if (!this.pattern) return text;
    return text
      .replace(this.pattern, (v: string, offset: number) => {
        const canonical = this.canonicalOf.get(v) ?? v;
        // "怎么报销" already says 报销: rewriting its "怎么报" would leave a stray 销.
        const near = text.slice(Math.max(0, offset - canonical.length + 1), offset + v.length + canonical.length - 1);
        return near.includes(canonical) ? v : ` ${canonical} `;
      })
      .replace(/\s+/g, ' ')
      .trim();
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
