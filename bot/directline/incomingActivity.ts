import { z } from 'zod';

/** What a client may send on POST /conversations/:id/activities. Unknown fields are dropped. */

export const MAX_TEXT_CHARS = 4000;
const ACTIVITY_TYPES = ['message', 'event', 'typing'] as const;

const Locale = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a BCP 47 language tag such as "zh-CN"');

const Account = z.object({
  id: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(256),
  name: z.string().max(256).optional(),
});

const Attachment = z.object({
  contentType: z.string().min(1).max(256),
  contentUrl: z.string().max(2048).optional(),
  name: z.string().max(256).optional(),
  thumbnailUrl: z.string().max(2048).optional(),
  content: z.unknown().optional(),
});

/**
 * What Web Chat 4.18 puts in channelData (our pages add nothing of their own): the id it matches
 * its echo by, the sizes of attachments, and the messageBack / postBack markers of card buttons.
 * Anything else is dropped, never stored: channelData was a free 64 kB per activity.
 */
const ClientChannelData = z.object({
  clientActivityID: z.string().min(1).max(128).optional(),
  /** older Web Chat versions */
  clientTimestamp: z.string().max(64).optional(),
  attachmentSizes: z.array(z.number().int().min(0)).max(10).optional(),
  messageBack: z.object({ displayText: z.string().max(MAX_TEXT_CHARS).optional() }).optional(),
  postBack: z.boolean().optional(),
});

export const IncomingActivity = z
  .object({
    type: z.enum(ACTIVITY_TYPES, { error: `must be one of ${ACTIVITY_TYPES.join(', ')}` }),
    from: Account,
    text: z.string({ error: 'must be a string' }).max(MAX_TEXT_CHARS, `must be at most ${MAX_TEXT_CHARS} characters`).optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
    locale: Locale.optional(),
    localTimestamp: z.string().max(64).optional(),
    localTimezone: z.string().max(64).optional(),
    name: z.string().min(1).max(256).optional(),
    value: z.unknown().optional(),
    replyToId: z.string().max(256).optional(),
    channelData: ClientChannelData.optional(),
    attachments: z.array(Attachment).max(10).optional(),
    entities: z
      .array(z.looseObject({ type: z.string().min(1).max(128) }))
      .max(20)
      .optional(),
  })
  .superRefine((a, ctx) => {
    if (a.type === 'message' && !a.text?.trim() && a.value === undefined && !a.attachments?.length) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'a message needs text, a value or attachments' });
    }
    if (a.type === 'event' && !a.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'an event needs a name' });
  });
export type IncomingActivity = z.infer<typeof IncomingActivity>;

/** The optional body of POST /conversations (directlinejs sends `{ user: { id }, locale }`). */
export const StartConversation = z.object({
  user: z.object({ id: z.string().trim().min(1).max(256).optional(), name: z.string().max(256).optional() }).optional(),
  locale: Locale.optional(),
});
export type StartConversation = z.infer<typeof StartConversation>;

/** The first problem, as "path: message", for the error body. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid activity';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
