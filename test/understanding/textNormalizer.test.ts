import { describe, expect, it } from 'vitest';
import { TextNormalizer } from '../../bot/understanding/textNormalizer.js';
import { knowledge } from '../support/services.js';

describe('TextNormalizer', () => {
  it.each([
    ['full-width letters and digits', 'ＡＢＣ１２３', 'abc123'],
    ['traditional characters', '醫療保險報銷', '医疗保险报销'],
    ['Taiwan variants', '異地就醫備案', '异地就医备案'],
    ['帐 folded to 账', '个人帐户', '个人账户'],
    ['spacing and control characters', '  异地\t就医\n\u0007备案  ', '异地 就医 备案'],
    ['zero-width characters', '报\u200b销', '报销'],
  ])('folds %s', async (_label, input, expected) => {
    const n = new TextNormalizer((await knowledge()).lexicon.charVariants);
    expect(n.normalize(input)).toBe(expected);
  });
});
