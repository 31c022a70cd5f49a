import { describe, expect, it } from 'vitest';
import { WeChatCrypto } from '../../bot/wechat/wechatCrypto.js';
import { WeChatRequestError } from '../../bot/wechat/wechatRequestError.js';
import { signatureMatches, wechatSignature } from '../../bot/wechat/wechatSignature.js';

// WeChat's published sample (消息加解密 sample code).
const SAMPLE_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const SAMPLE_APPID = 'wxb11529c136998cb6';
const SAMPLE_CIPHER = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==';

const refusal = (fn: () => unknown): WeChatRequestError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof WeChatRequestError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('WeChatCrypto', () => {
  const crypto = new WeChatCrypto(SAMPLE_KEY, SAMPLE_APPID);

  it('encrypts the published sample to the published ciphertext', () => {
    expect(crypto.encrypt('我是中文abcd123', Buffer.from('aaaabbbbccccdddd'))).toBe(SAMPLE_CIPHER);
  });

  it('decrypts the published ciphertext', () => {
    expect(crypto.decrypt(SAMPLE_CIPHER)).toBe('我是中文abcd123');
  });

  it('round-trips messages of every padding length, random prefix each time', () => {
    for (let n = 0; n < 70; n++) {
      const message = `<xml>${'藏'.repeat(n)}${'a'.repeat(n % 7)}</xml>`;
      const a = crypto.encrypt(message);
      expect(a).not.toBe(crypto.encrypt(message));
      expect(Buffer.from(a, 'base64').length % 32).toBe(0);
      expect(crypto.decrypt(a)).toBe(message);
    }
  });

  it('refuses a message encrypted for another AppID with 401', () => {
    const other = new WeChatCrypto(SAMPLE_KEY, 'wx0000000000000000');
    const err = refusal(() => crypto.decrypt(other.encrypt('<xml/>')));
    expect([err.status, err.code]).toEqual([401, 'appid_mismatch']);
  });

  it('refuses text that is not a ciphertext of this key with 400', () => {
    const otherKey = new WeChatCrypto('ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj', SAMPLE_APPID);
    for (const bad of ['not base64 !', 'AAAA', Buffer.alloc(48).toString('base64'), otherKey.encrypt('<xml>hello</xml>')]) {
      const err = refusal(() => crypto.decrypt(bad));
      expect([err.status, err.code]).toEqual([400, 'bad_encryption']);
    }
  });

  it('refuses a bad EncodingAESKey', () => {
    expect(() => new WeChatCrypto('short', SAMPLE_APPID)).toThrow(/43/);
  });
});

describe('wechatSignature', () => {
  it('is sha1 of the sorted parts, so the order they are given in does not matter', () => {
    // sha1("1409304348" + "xxxxxx" + "zhangsan"), sorted lexicographically
    expect(wechatSignature('zhangsan', '1409304348', 'xxxxxx')).toBe(wechatSignature('xxxxxx', 'zhangsan', '1409304348'));
    expect(wechatSignature('a', 'b')).toBe('da23614e02469a0d7c7bd1bdab5c9c474b1904dc'); // sha1("ab")
  });

  it('matches only the same signature, in either case', () => {
    const s = wechatSignature('token', '1', 'n');
    expect(signatureMatches(s, s)).toBe(true);
    expect(signatureMatches(s, s.toUpperCase())).toBe(true);
    expect(signatureMatches(s, `${s.slice(0, -1)}0`)).toBe(s.endsWith('0'));
    expect(signatureMatches(s, '')).toBe(false);
    expect(signatureMatches(s, wechatSignature('token', '2', 'n'))).toBe(false);
  });
});
