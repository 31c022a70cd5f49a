import { describe, expect, it } from 'vitest';
import { TibetanParticles, type ParticleCase } from '../../bot/i18n/tibetanParticles.js';

/** Textbook cases: one word per final letter, with the form the grammars give for each case. */
const TABLE: Array<[string, ParticleCase, string]> = [
  // genitive: ག ང → གི; ད བ ས → ཀྱི; ན མ ར ལ → གྱི; vowel / འ → འི (fused)
  ['ལུག', 'gen', 'ལུག་གི'],
  ['ཤིང', 'gen', 'ཤིང་གི'],
  ['རྒོད', 'gen', 'རྒོད་ཀྱི'],
  ['ཐབ', 'gen', 'ཐབ་ཀྱི'],
  ['བོད་རང་སྐྱོང་ལྗོངས', 'gen', 'བོད་རང་སྐྱོང་ལྗོངས་ཀྱི'],
  ['བསམ་འགྲུབ་རྩེ་ཆུས', 'gen', 'བསམ་འགྲུབ་རྩེ་ཆུས་ཀྱི'],
  ['དཔལ་མགོན', 'gen', 'དཔལ་མགོན་གྱི'],
  ['ཉིང་ཁྲི་རྫོང', 'gen', 'ཉིང་ཁྲི་རྫོང་གི'],
  ['མི་དམངས', 'gen', 'མི་དམངས་ཀྱི'],
  ['མཚོ་ཆེན', 'gen', 'མཚོ་ཆེན་གྱི'],
  ['ལྷ་རི་རྫོང', 'gen', 'ལྷ་རི་རྫོང་གི'],
  ['གནམ', 'gen', 'གནམ་གྱི'],
  ['སྣང་རྫོང', 'gen', 'སྣང་རྫོང་གི'],
  ['སྐར', 'gen', 'སྐར་གྱི'],
  ['རྒྱལ', 'gen', 'རྒྱལ་གྱི'],
  ['རྒྱལ་རྩེ', 'gen', 'རྒྱལ་རྩེའི'],
  ['ལྷ་ས', 'gen', 'ལྷ་སའི'],
  ['རྒྱ་ཚ', 'gen', 'རྒྱ་ཚའི'],
  ['ཨ་མདོ', 'gen', 'ཨ་མདོའི'],
  ['ས་དགའ', 'gen', 'ས་དགའི'],
  ['ནམ་མཁའ', 'gen', 'ནམ་མཁའི'],
  ['རུ་ཐོག', 'gen', 'རུ་ཐོག་གི'],
  // agentive: the genitive + ས; a vowel fuses ས
  ['ལུག', 'agt', 'ལུག་གིས'],
  ['བོད་རང་སྐྱོང་ལྗོངས', 'agt', 'བོད་རང་སྐྱོང་ལྗོངས་ཀྱིས'],
  ['ཤིང', 'agt', 'ཤིང་གིས'],
  ['དཔལ་མགོན', 'agt', 'དཔལ་མགོན་གྱིས'],
  ['ཐབ', 'agt', 'ཐབ་ཀྱིས'],
  ['རྒྱལ་རྩེ', 'agt', 'རྒྱལ་རྩེས'],
  ['ནམ་མཁའ', 'agt', 'ནམ་མཁས'],
  // la-don: ག བ → ཏུ; ང ད ན མ ར ལ → དུ; ས → སུ; vowel / འ → ར (fused)
  ['ལུག', 'ladon', 'ལུག་ཏུ'],
  ['ཐབ', 'ladon', 'ཐབ་ཏུ'],
  ['ཤིང', 'ladon', 'ཤིང་དུ'],
  ['རྒོད', 'ladon', 'རྒོད་དུ'],
  ['དཔལ་མགོན', 'ladon', 'དཔལ་མགོན་དུ'],
  ['གནམ', 'ladon', 'གནམ་དུ'],
  ['སྐར', 'ladon', 'སྐར་དུ'],
  ['རྒྱལ', 'ladon', 'རྒྱལ་དུ'],
  ['ལྗོངས', 'ladon', 'ལྗོངས་སུ'],
  ['རྒྱལ་རྩེ', 'ladon', 'རྒྱལ་རྩེར'],
  ['ལྷ་ས', 'ladon', 'ལྷ་སར'],
  ['ནམ་མཁའ', 'ladon', 'ནམ་མཁར'],
  // invariant particles: only the tsheg
  ['རྒྱལ་རྩེ', 'la', 'རྒྱལ་རྩེ་ལ'],
  ['ལྗོངས', 'na', 'ལྗོངས་ན'],
  ['ལྷ་ས', 'abl', 'ལྷ་ས་ནས'],
  ['ཤིང', 'las', 'ཤིང་ལས'],
  // quotative ཅེས / ཞེས / ཤེས and "also" ཀྱང / ཡང
  ['ལུག', 'quot', 'ལུག་ཅེས'],
  ['རྒོད', 'quot', 'རྒོད་ཅེས'],
  ['ལྗོངས', 'quot', 'ལྗོངས་ཤེས'],
  ['ཤིང', 'quot', 'ཤིང་ཞེས'],
  ['རྒྱལ་རྩེ', 'quot', 'རྒྱལ་རྩེ་ཞེས'],
  ['ལུག', 'also', 'ལུག་ཀྱང'],
  ['ལྗོངས', 'also', 'ལྗོངས་ཀྱང'],
  ['ཤིང', 'also', 'ཤིང་ཡང'],
  ['རྒྱལ་རྩེ', 'also', 'རྒྱལ་རྩེ་ཡང'],
  // the tsheg before a following syllable, the shad closing a clause (a tsheg only after ང)
  ['རྒྱལ་རྩེ', 'tsheg', 'རྒྱལ་རྩེ་'],
  ['རྒྱལ་རྩེ', 'shad', 'རྒྱལ་རྩེ།'],
  ['ཤིང', 'shad', 'ཤིང་།'],
  ['སྣང་རྫོང', 'shad', 'སྣང་རྫོང་།'],
  ['ལྗོངས', 'shad', 'ལྗོངས།'],
  ['ལུག', 'shad', 'ལུག།'],
];

describe('TibetanParticles', () => {
  it.each(TABLE)('%s + %s → %s', (word, kind, expected) => {
    expect(TibetanParticles.attach(word, kind)).toBe(expected);
  });

  it('drops a trailing tsheg, shad or space the name already has, never doubling them', () => {
    expect(TibetanParticles.attach('ལྷ་ས་གྲོང་ཁྱེར།', 'gen')).toBe('ལྷ་ས་གྲོང་ཁྱེར་གྱི');
    expect(TibetanParticles.attach('གཞིས་ཀ་རྩེ་', 'gen')).toBe('གཞིས་ཀ་རྩེའི');
    expect(TibetanParticles.attach('སྟག་རྩེ་རྫོང་།', 'ladon')).toBe('སྟག་རྩེ་རྫོང་དུ');
    expect(TibetanParticles.attach('རུ་ཐོག།', 'tsheg')).toBe('རུ་ཐོག་');
    expect(TibetanParticles.attach('ཤིང་། ', 'shad')).toBe('ཤིང་།');
    expect(TibetanParticles.attach('ས་སྐྱ།', 'bare')).toBe('ས་སྐྱ');
    expect(TibetanParticles.attach('', 'gen')).toBe('');
  });

  it('reads the final letter the way the syllable is built (vowel signs, subjoined letters, a lone root)', () => {
    expect(TibetanParticles.finalOf('ས')).toBe('vowel'); // a root alone reads sa
    expect(TibetanParticles.finalOf('སྐྱ')).toBe('vowel'); // ends in a subjoined letter
    expect(TibetanParticles.finalOf('ཡུལ')).toBe('ལ'); // vowel sign, then a suffix
    expect(TibetanParticles.finalOf('བཀྲ')).toBe('vowel'); // prefix + root
    expect(TibetanParticles.finalOf('ལྗོངས')).toBe('ས');
    expect(TibetanParticles.finalOf('江孜县')).toBe('foreign');
    expect(TibetanParticles.finalOf('ཨང་12')).toBe('foreign');
  });

  it('agrees with the word inside quotes, without fusing across the mark or a tsheg after it', () => {
    expect(TibetanParticles.attach('“རྒྱལ་རྩེ”', 'gen')).toBe('“རྒྱལ་རྩེ”ཡི');
    expect(TibetanParticles.attach('“རྒྱལ་རྩེ”', 'agt')).toBe('“རྒྱལ་རྩེ”ཡིས');
    expect(TibetanParticles.attach('“རྒྱལ་རྩེ”', 'ladon')).toBe('“རྒྱལ་རྩེ”རུ');
    expect(TibetanParticles.attach('“ལས་དོན་ཐོ་ཡིག”', 'gen')).toBe('“ལས་དོན་ཐོ་ཡིག”གི');
    expect(TibetanParticles.attach('“སྨན་བཅོས་འགན་བཅོལ་ཁྲོད་ཞུགས་པ།”', 'gen')).toBe('“སྨན་བཅོས་འགན་བཅོལ་ཁྲོད་ཞུགས་པ།”ཡི');
    expect(TibetanParticles.attach('“ལྗོངས”', 'tsheg')).toBe('“ལྗོངས”');
  });

  it('falls back to the forms that follow any word, after a space, for Chinese, Latin or digits', () => {
    expect(TibetanParticles.attach('江孜县', 'gen')).toBe('江孜县 ཡི');
    expect(TibetanParticles.attach('江孜县', 'agt')).toBe('江孜县 ཡིས');
    expect(TibetanParticles.attach('江孜县', 'ladon')).toBe('江孜县 ལ');
    expect(TibetanParticles.attach('0891-6609963', 'la')).toBe('0891-6609963 ལ');
    expect(TibetanParticles.attach('རྒྱལ་རྩེ 12', 'gen')).toBe('རྒྱལ་རྩེ 12 ཡི');
    expect(TibetanParticles.attach('江孜县', 'shad')).toBe('江孜县།');
    // a Chinese part before a Tibetan ending still agrees with the Tibetan
    expect(TibetanParticles.attach('江孜 རྒྱལ་རྩེ', 'gen')).toBe('江孜 རྒྱལ་རྩེའི');
  });

  it('leaves values alone in Chinese, as a formatter', () => {
    expect(TibetanParticles.formatter('gen')('江孜县', 'zh-CN')).toBe('江孜县');
    expect(TibetanParticles.formatter('gen')('རྒྱལ་རྩེ', 'bo')).toBe('རྒྱལ་རྩེའི');
    expect(TibetanParticles.formatter('gen')(undefined, 'bo')).toBe('');
  });
});
