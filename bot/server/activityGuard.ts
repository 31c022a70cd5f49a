import type { RequestHandler } from 'express';
import { z } from 'zod';
import { MAX_TEXT_CHARS } from '../directline/incomingActivity.js';
import { sendError } from './httpErrors.js';

const Account = z.looseObject({ id: z.string({ error: 'must be a string' }).min(1).max(256) });

/** What CloudAdapter needs to run a turn; anything else in the activity passes as sent. */
const BotFrameworkActivity = z.looseObject({
  type: z.string({ error: 'must be a string such as "message"' }).min(1).max(64),
  channelId: z.string({ error: 'must be a string' }).min(1).max(128),
  serviceUrl: z.string({ error: 'must be a string' }).min(1).max(2048),
  conversation: z.looseObject({ id: z.string({ error: 'must be a string' }).min(1).max(512) }, { error: 'must be an object with an "id"' }),
  from: Account.optional(),
  recipient: Account.optional(),
  text: z.string({ error: 'must be a string' }).optional(),
  locale: z.string({ error: 'must be a string' }).max(35).optional(),
});

/**
 * POST /api/messages, before CloudAdapter: an activity it cannot use gets a 400 saying which
 * field is wrong (CloudAdapter would throw, i.e. 500, or fail the turn), and message text longer
 * than Direct Line accepts gets 413, so no channel can make one turn chew through 100 kB.
 */
export const activityGuard: RequestHandler = (req, res, next) => {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    sendError(res, 400, 'bad_request', 'the body must be one Bot Framework activity (a JSON object, Content-Type: application/json)');
    return;
  }
  const parsed = BotFrameworkActivity.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    sendError(res, 400, 'bad_request', `activity ${issue.path.join('.') || '(body)'}: ${issue.message}`);
    return;
  }
  if (parsed.data.text !== undefined && parsed.data.text.length > MAX_TEXT_CHARS) {
    sendError(res, 413, 'payload_too_large', `the message text is too long (${parsed.data.text.length} characters, at most ${MAX_TEXT_CHARS})`);
    return;
  }
  next();
};
