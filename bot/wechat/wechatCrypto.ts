import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { WeChatRequestError } from './wechatRequestError.js';

/** WeChat pads to 32-byte blocks (PKCS#7 with k = 32), not AES's 16. */
const BLOCK = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * 安全模式 message encryption: AES-256-CBC, key = base64(EncodingAESKey + "="),
 * IV = the key's first 16 bytes, plaintext = random(16) + length(4, big-endian)
 * + message + AppID. A message whose AppID is not ours is refused even when it
 * decrypts cleanly: it was meant for another account.
 */
export class WeChatCrypto {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(
    encodingAesKey: string,
    readonly appId: string,
  ) {
    if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) throw new TypeError('EncodingAESKey must be 43 letters or digits');
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    this.iv = this.key.subarray(0, 16);
  }

  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    if (random.length !== 16) throw new TypeError('the random prefix must be 16 bytes');
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const plain = Buffer.concat([random, length, body, Buffer.from(this.appId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }

  /** The message inside `encrypted`; 400 when it is not a valid ciphertext, 401 when it carries another AppID. */
  decrypt(encrypted: string): string {
    const text = encrypted.trim();
    if (!BASE64.test(text)) throw malformed('the Encrypt field is not base64');
    const data = Buffer.from(text, 'base64');
    if (data.length === 0 || data.length % BLOCK !== 0) throw malformed('the Encrypt field is not a whole number of 32-byte blocks');
    const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(data), decipher.final()]);
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
      throw malformed('the Encrypt field does not decrypt with this EncodingAESKey (bad padding)');
    }
    const content = plain.subarray(0, plain.length - pad);
    if (content.length < 20) throw malformed('the decrypted message is too short');
    const length = content.readUInt32BE(16);
    if (20 + length > content.length) throw malformed('the decrypted message length is out of range');
    const appId = content.subarray(20 + length).toString('utf8');
    if (appId !== this.appId) throw new WeChatRequestError(401, 'appid_mismatch', 'the message was encrypted for another AppID');
    return content.subarray(20, 20 + length).toString('utf8');
  }
}

function malformed(message: string): WeChatRequestError {
  return new WeChatRequestError(400, 'bad_encryption', message);
}
