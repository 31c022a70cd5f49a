import { startLiveService, type LiveService } from '../support/liveService.js';
import { WeChatCrypto } from '../../bot/wechat/wechatCrypto.js';
import { wechatSignature } from '../../bot/wechat/wechatSignature.js';

export const TOKEN = 'yibaoTestToken2026';
export const APP_ID = 'wx1234567890abcdef';
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const ACCOUNT = 'gh_yibao_test';

const cdata = (v: string): string => `<![CDATA[${v.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

/** A WeChat message as WeChat writes it (written here, not with the code under test). */
export function messageXml(fields: Record<string, string | number>): string {
  return `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}>${typeof v === 'number' ? v : cdata(v)}</${k}>`)
    .join('\n')}</xml>`;
}

/** The text fields of a reply, read with a plain regex rather than the parser under test. */
export function readXml(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of xml.matchAll(/<(\w+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g)) out[m[1]!] = m[2] ?? m[3] ?? '';
  return out;
}

export interface Answer {
  status: number;
  body: string;
  contentType: string | null;
  /** the passive reply's fields (decrypted and signature-checked in safe mode), or undefined for "success" */
  reply?: Record<string, string>;
}

export interface SendOptions {
  /** sign with another token */
  forgeSignature?: boolean;
  forgeMsgSignature?: boolean;
  timestamp?: number;
  /** plaintext mode: the exact body instead of the message; safe mode: the exact Encrypt value */
  rawBody?: string;
  contentType?: string;
  /** encrypt with another AppID (a correctly signed message for someone else) */
  encryptFor?: string;
  /** send plaintext even in safe mode */
  plaintext?: boolean;
  /** extra request headers (X-Forwarded-For behind a trusted proxy) */
  headers?: Record<string, string>;
}

/** WeChat's server, as far as this endpoint sees it: signs, encrypts in safe mode, posts, checks the reply. */
export class WeChatServer {
  private msgIds = 1234567890123456789n;
  readonly crypto: WeChatCrypto | undefined;

  constructor(
    readonly base: string,
    readonly safeMode: boolean,
  ) {
    this.crypto = safeMode ? new WeChatCrypto(AES_KEY, APP_ID) : undefined;
  }

  nextMsgId(): string {
    this.msgIds += 1n;
    return this.msgIds.toString();
  }

  text(user: string, content: string, msgId = this.nextMsgId()): Record<string, string | number> {
    return { ToUserName: ACCOUNT, FromUserName: user, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'text', Content: content, MsgId: msgId };
  }

  event(user: string, event: string, key?: string, createTime = Math.floor(Date.now() / 1000)): Record<string, string | number> {
    return { ToUserName: ACCOUNT, FromUserName: user, CreateTime: createTime, MsgType: 'event', Event: event, ...(key !== undefined ? { EventKey: key } : {}) };
  }

  async send(fields: Record<string, string | number>, o: SendOptions = {}): Promise<Answer> {
    const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    const sender: Record<string, string> = typeof fields.FromUserName === 'string' ? { openid: fields.FromUserName } : {};
    const query = new URLSearchParams({ ...sender, timestamp, nonce, signature: wechatSignature(o.forgeSignature ? 'forged' : TOKEN, timestamp, nonce) });
    let body = o.rawBody ?? messageXml(fields);
    if (this.safeMode && !o.plaintext) {
      const crypto = o.encryptFor ? new WeChatCrypto(AES_KEY, o.encryptFor) : this.crypto!;
      const encrypt = o.rawBody !== undefined ? o.rawBody : crypto.encrypt(body);
      body = messageXml({ ToUserName: ACCOUNT, Encrypt: encrypt });
      query.set('encrypt_type', 'aes');
      query.set('msg_signature', wechatSignature(o.forgeMsgSignature ? 'forged' : TOKEN, timestamp, nonce, encrypt));
    }
    const res = await fetch(`${this.base}/wechat?${query}`, { method: 'POST', headers: { 'content-type': o.contentType ?? 'text/xml', ...o.headers }, body });
    const text = await res.text();
    const answer: Answer = { status: res.status, body: text, contentType: res.headers.get('content-type') };
    if (res.status === 200 && text !== 'success') answer.reply = this.open(text);
    return answer;
  }

  /** Checks a reply as WeChat would: in safe mode the MsgSignature, then decrypts it. */
  private open(xml: string): Record<string, string> {
    const outer = readXml(xml);
    if (!this.crypto) return outer;
    const { Encrypt, MsgSignature, TimeStamp, Nonce } = outer;
    if (!Encrypt || !MsgSignature || !TimeStamp || !Nonce) throw new Error(`a safe-mode reply lacks Encrypt/MsgSignature/TimeStamp/Nonce: ${xml}`);
    if (wechatSignature(TOKEN, TimeStamp, Nonce, Encrypt) !== MsgSignature) throw new Error('the reply is not signed with our token');
    return readXml(this.crypto.decrypt(Encrypt));
  }
}

/**
 * One WeChat user speaking to whichever running service: each message's reply text. The MsgIds come
 * from one sequence (`ids`), as WeChat's do, so two services' simulators never reuse each other's.
 */
export function wechatUser(user: string, ids: WeChatServer): (run: Running, text: string) => Promise<string> {
  return async (run, text) => (await run.wechat.send(run.wechat.text(user, text, ids.nextMsgId()))).reply?.Content ?? '';
}

export interface Running extends LiveService {
  wechat: WeChatServer;
  /** warn and error log lines written so far */
  logs(): Record<string, unknown>[];
}

/** The whole service (real bot, lowdb storage in a temp DATA_DIR) on a loopback port, with WeChat configured. */
export async function startService(options: { safeMode: boolean; env?: Record<string, string> }): Promise<Running> {
  const live = await startLiveService(
    { WECHAT_TOKEN: TOKEN, WECHAT_APP_ID: APP_ID, ...(options.safeMode ? { WECHAT_ENCODING_AES_KEY: AES_KEY } : {}), ...options.env },
    'warn',
  );
  const logs = (): Record<string, unknown>[] =>
    live
      .logText()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { ...live, wechat: new WeChatServer(live.base, options.safeMode), logs };
}
