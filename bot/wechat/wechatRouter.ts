import { randomBytes } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';
import { clientFaultOf, sendError, sendInternalError } from '../server/httpErrors.js';
import type { WeChatChannel } from './wechatChannel.js';
import type { WeChatCrypto } from './wechatCrypto.js';
import { parseMessage, replayKey, WeChatEnvelope, type WeChatMessage } from './wechatMessage.js';
import { ReplayGuard, type ReplayStore } from './replayGuard.js';
import { ReplayPendingError } from './replayPendingError.js';
import { WeChatRequestError } from './wechatRequestError.js';
import { signatureMatches, wechatSignature } from './wechatSignature.js';
import { buildWeChatXml, parseWeChatXml } from './wechatXml.js';

export interface WeChatRouterDeps {
  channel: WeChatChannel;
  /** the Token set in the Official Account's server configuration */
  token: string;
  /** set in 安全模式 (EncodingAESKey configured): every message must come encrypted */
  crypto?: WeChatCrypto;
  logger: Logger;
  /** largest body accepted (default 64 kB; WeChat's messages are a few hundred bytes) */
  maxBodyBytes?: number;
  /** how far a request's timestamp may be from our clock (default 300 s); older requests are replays */
  maxClockSkewSeconds?: number;
  now?: () => number;
  /** the per-user rate limit, applied once the signature is verified */
  limit?: RequestHandler;
  /** the MsgId replay guard for answers kept `ttlMs`; in process by default, shared through Redis with REDIS_URL */
  replay?: (ttlMs: number) => ReplayStore<WeChatPassiveReply>;
}

/** One passive reply as sent, which a repeated message is answered with again. */
export interface WeChatPassiveReply {
  type: 'xml' | 'text';
  body: string;
}

type Reply = WeChatPassiveReply;

const SUCCESS: Reply = { type: 'text', body: 'success' };

/**
 * GET and POST /wechat for a WeChat Official Account. GET answers the URL check;
 * POST verifies the signature (and msg_signature and AppID in 安全模式) before
 * anything else, refuses XML with declarations, answers a retried message with
 * its first answer, and replies with one passive text message.
 */
export function createWeChatRouter({
  channel,
  token,
  crypto,
  logger,
  maxBodyBytes = 64 * 1024,
  maxClockSkewSeconds = 300,
  now = Date.now,
  limit = (_req, _res, next) => next(),
  replay = (ttlMs) => new ReplayGuard<Reply>(ttlMs, 10_000, now),
}: WeChatRouterDeps): Router {
  const log = logger.child({ component: 'wechat' });
  // A retry must find its first answer for as long as its timestamp is accepted.
  const guard = replay((maxClockSkewSeconds + 60) * 1000);
  const router = Router();
  // Raw text: the body is XML and its exact bytes matter. Any content type, checked below with a clear answer.
  const body = express.text({ type: () => true, limit: maxBodyBytes });

  /** signature = sha1(sort(token, timestamp, nonce)); a timestamp far from now is a replay. */
  const verifyQuery: RequestHandler = (req, _res, next) => {
    const signature = queryValue(req, 'signature');
    const timestamp = queryValue(req, 'timestamp');
    const nonce = queryValue(req, 'nonce');
    if (signature === undefined || timestamp === undefined || nonce === undefined) {
      throw new WeChatRequestError(400, 'missing_signature', 'signature, timestamp and nonce are required query parameters');
    }
    if (!signatureMatches(wechatSignature(token, timestamp, nonce), signature)) {
      throw new WeChatRequestError(401, 'bad_signature', 'the signature does not match');
    }
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now() / 1000 - Number(timestamp)) > maxClockSkewSeconds) {
      throw new WeChatRequestError(401, 'stale_timestamp', `the timestamp is more than ${maxClockSkewSeconds} s from the server's clock`);
    }
    next();
  };

  router.get('/', verifyQuery, limit, (req, res) => {
    const echostr = queryValue(req, 'echostr');
    if (echostr === undefined) throw new WeChatRequestError(400, 'missing_signature', 'echostr is required to verify the URL');
    log.info('WeChat server URL verified');
    res.type('text/plain').send(echostr);
  });

  router.post('/', verifyQuery, limit, body, async (req, res) => {
    const contentType = req.get('content-type');
    if (contentType !== undefined && !/^(text|application)\/(xml|plain)\b/i.test(contentType)) {
      throw new WeChatRequestError(415, 'unsupported_media_type', 'the body must be XML (Content-Type: text/xml)');
    }
    const message = openMessage(req, typeof req.body === 'string' ? req.body : '');
    const answered = await guard
      .run(replayKey(message), async () => {
        const text = await channel.reply(message);
        return text === undefined ? SUCCESS : sealReply(message, text, req);
      })
      .catch((err: unknown) => {
        // Another instance still runs this message and answers it; this copy says nothing rather than run it twice.
        if (!(err instanceof ReplayPendingError)) throw err;
        log.warn(
          { reason: 'duplicate_pending', waitedMs: err.waitedMs, msgType: message.MsgType },
          'repeated WeChat message still being answered elsewhere; answering success',
        );
        return { value: SUCCESS, repeated: true };
      });
    const { value, repeated } = answered;
    if (repeated) log.warn({ reason: 'duplicate', msgType: message.MsgType }, 'repeated WeChat message answered with its first reply, not processed again');
    res.set('Cache-Control', 'no-store');
    res.type(value.type === 'xml' ? 'application/xml' : 'text/plain').send(value.body);
  });

  /** The message, after the msg_signature and decryption in 安全模式. */
  function openMessage(req: Request, text: string): WeChatMessage {
    const fields = parseWeChatXml(text);
    const encrypted = queryValue(req, 'encrypt_type')?.toLowerCase() === 'aes';
    if (!crypto) {
      if (encrypted || fields.Encrypt !== undefined)
        throw new WeChatRequestError(400, 'encryption_not_configured', 'this endpoint runs in plaintext mode: WECHAT_ENCODING_AES_KEY is not set');
      return parseMessage(fields);
    }
    if (!encrypted) throw new WeChatRequestError(400, 'encryption_required', 'this endpoint runs in safe mode: messages must be encrypted (encrypt_type=aes)');
    const envelope = WeChatEnvelope.safeParse(fields);
    if (!envelope.success) throw new WeChatRequestError(400, 'bad_message', 'an encrypted message needs an Encrypt field');
    const msgSignature = queryValue(req, 'msg_signature');
    if (msgSignature === undefined) throw new WeChatRequestError(400, 'missing_signature', 'msg_signature is required in safe mode');
    const { Encrypt } = envelope.data;
    if (!signatureMatches(wechatSignature(token, queryValue(req, 'timestamp')!, queryValue(req, 'nonce')!, Encrypt), msgSignature)) {
      throw new WeChatRequestError(401, 'bad_signature', 'the msg_signature does not match');
    }
    return parseMessage(parseWeChatXml(crypto.decrypt(Encrypt)));
  }

  /** A passive text reply, encrypted and signed in 安全模式. */
  function sealReply(message: WeChatMessage, text: string, req: Request): Reply {
    const xml = buildWeChatXml({
      ToUserName: message.FromUserName,
      FromUserName: message.ToUserName,
      CreateTime: Math.floor(now() / 1000),
      MsgType: 'text',
      Content: text,
    });
    if (!crypto) return { type: 'xml', body: xml };
    const encrypt = crypto.encrypt(xml);
    const timestamp = String(Math.floor(now() / 1000));
    const nonce = queryValue(req, 'nonce') ?? randomBytes(8).toString('hex');
    return {
      type: 'xml',
      body: buildWeChatXml({ Encrypt: encrypt, MsgSignature: wechatSignature(token, timestamp, nonce, encrypt), TimeStamp: Number(timestamp), Nonce: nonce }),
    };
  }

  router.use(((req, _res) => {
    throw new WeChatRequestError(405, 'method_not_allowed', `WeChat uses GET and POST /wechat, not ${req.method} ${req.originalUrl.split('?')[0]}`);
  }) satisfies RequestHandler);
  router.use(wechatErrorHandler(log));
  return router;
}

/** One value of a query parameter; a repeated parameter is refused rather than guessed. */
function queryValue(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new WeChatRequestError(400, 'bad_message', `the query parameter ${name} must appear once`);
  return value;
}

/** Refusals are logged at warn with their reason, never with the message's content. */
function wechatErrorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof WeChatRequestError) {
      log.warn({ reason: err.code, status: err.status, method: req.method }, `WeChat request refused: ${err.message}`);
      sendError(res, err.status, err.code, err.message);
      return;
    }
    const fault = clientFaultOf(err);
    if (fault?.kind === 'too_large') {
      log.warn({ reason: 'too_large', method: req.method }, 'WeChat request refused: body too large');
      sendError(res, 413, 'payload_too_large', 'the request body is too large');
      return;
    }
    if (fault) {
      log.warn({ reason: 'bad_body', status: fault.status, method: req.method }, 'WeChat request refused: unreadable body');
      sendError(res, fault.status, 'bad_request', 'the request body could not be read');
      return;
    }
    sendInternalError(res, log, err, { method: req.method }, 'unhandled WeChat error');
  };
}
