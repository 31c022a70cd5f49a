import { SimplifiedConverter } from './simplifiedConverter.js';

/**
 * Folds the many ways one question can be typed into one form: full-width to
 * half-width, traditional to simplified, variant characters (帐 → 账), case and
 * spacing. Everything downstream (matters, offices, logs) sees this form.
 */
export class TextNormalizer {
  private readonly simplified = new SimplifiedConverter();
  private readonly variants: ReadonlyMap<string, string>;

  constructor(charVariants: Readonly<Record<string, string>>) {
    this.variants = new Map(Object.entries(charVariants));
  }

  normalize(text: string): string {
    let out = text.normalize('NFKC');
    out = this.simplified.convert(out);
    if (this.variants.size > 0) {
      out = Array.from(out, (ch) => this.variants.get(ch) ?? ch).join('');
    }
    return out
      .toLowerCase()
      .replace(/[\u200b-\u200d\ufeff]/g, '')
      .replace(/[\p{Cc}\s]+/gu, ' ')
      .trim();
  }
}
