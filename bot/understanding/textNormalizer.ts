import * as OpenCC from 'opencc-js';

/**
 * Folds the many ways one question can be typed into one form: full-width to
 * half-width, traditional to simplified, variant characters (帐 → 账), case and
 * spacing. Everything downstream (matters, offices, logs) sees this form.
 */
export class TextNormalizer {
  private readonly toSimplified: (text: string) => string;
  private readonly variants: ReadonlyMap<string, string>;

  constructor(charVariants: Readonly<Record<string, string>>) {
    // Hong Kong and Taiwan variants both appear in what people paste.
    const fromHk = OpenCC.Converter({ from: 'hk', to: 'cn' });
    const fromTw = OpenCC.Converter({ from: 'tw', to: 'cn' });
    this.toSimplified = (text) => fromTw(fromHk(text));
    this.variants = new Map(Object.entries(charVariants));
  }

  normalize(text: string): string {
    let out = text.normalize('NFKC');
    out = this.toSimplified(out);
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
