import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import type { Logger } from './logging/logger.js';
import type { DialogServices } from '../dialogs/dialogServices.js';

/**
 * The adapters' onTurnError: log with an id the person can quote, apologise in
 * their language with the region office's phone, and clear the conversation's
 * dialog state so the next message starts clean instead of failing again.
 */
export function createTurnErrorHandler(logger: Logger, services: DialogServices, clearState: (context: TurnContext) => Promise<void>) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const errorId = randomUUID().slice(0, 8);
    logger.error({ err: error, errorId, channel: context.activity.channelId, conversation: context.activity.conversation?.id }, 'turn failed');
    try {
      const region = services.understanding.offices.region();
      const lang = await services.lang(context);
      await services.say(context, 'turnError', { id: errorId, name: services.officeLabel(region, lang), phones: services.phones(region, lang) });
      await clearState(context);
    } catch (inner) {
      logger.error({ err: inner, errorId }, 'could not apologise after a failed turn');
    }
  };
}
