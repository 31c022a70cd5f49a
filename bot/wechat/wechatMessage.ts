import { z } from 'zod';
import { WeChatRequestError } from './wechatRequestError.js';

/**
 * A message or event as WeChat posts it (plaintext, or the inside of Encrypt).
 * Every value is a string; numbers that must stay exact (MsgId is 64-bit) are
 * checked as digit strings and never converted.
 */
export const WeChatMessage = z
  .object({
    ToUserName: z.string().min(1).max(128),
    FromUserName: z.string().min(1).max(128),
    CreateTime: z.string().regex(/^\d{1,12}$/, 'must be a Unix time in seconds'),
    MsgType: z.string().min(1).max(32),
    MsgId: z
      .string()
      .regex(/^\d{1,20}$/, 'must be a decimal id')
      .optional(),
    Content: z.string().max(8192).optional(),
    Event: z.string().max(64).optional(),
    EventKey: z.string().max(1024).optional(),
    /** voice messages, when the account has speech recognition on */
    Recognition: z.string().max(8192).optional(),
  })
  .catchall(z.string());
export type WeChatMessage = z.infer<typeof WeChatMessage>;

/** The outer message in 安全模式: only Encrypt is trusted, once its msg_signature checks. */
export const WeChatEnvelope = z.object({ Encrypt: z.string().min(1).max(65536) }).catchall(z.string());

export function parseMessage(fields: Record<string, string>): WeChatMessage {
  const parsed = WeChatMessage.safeParse(fields);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new WeChatRequestError(400, 'bad_message', `not a WeChat message: ${issue.path.join('.') || 'body'} ${issue.message}`);
}

/**
 * The key a retry repeats: MsgId for messages; for events, which have no MsgId,
 * FromUserName + CreateTime (WeChat's own advice) with the event and its key, so two
 * different menu clicks in the same second are two events, not a retry of the first.
 */
export function replayKey(message: WeChatMessage): string {
  if (message.MsgId !== undefined) return `msg:${message.MsgId}`;
  return `evt:${JSON.stringify([message.FromUserName, message.CreateTime, message.Event ?? '', message.EventKey ?? ''])}`;
}
