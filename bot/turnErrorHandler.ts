import { newErrorId } from './errors/errorId.js';
import { MessageFactory, type TurnContext } from 'botbuilder';
import { DEFAULT_LANG, type Lang } from './i18n/localizer.js';
import type { Logger } from './logging/logger.js';
import type { DialogServices } from '../dialogs/dialogServices.js';

/**
 * The adapters' onTurnError: log with an id the person can quote, apologise in
 * their language with the region office's phone, and clear the conversation's
 * dialog state so the next message starts clean instead of failing again.
 */
export function createTurnErrorHandler(logger: Logger, services: DialogServices, clearState: (context: TurnContext) => Promise<void>) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const errorId = newErrorId();
    logger.error({ err: error, errorId, channel: context.activity.channelId, conversation: context.activity.conversation?.id }, 'turn failed');
    try {
      const region = services.offices.region();
      const lang = await languageOf(context, services, logger, errorId);
      const reply = MessageFactory.text(
        services.l10n.t(lang, 'turnError', { id: errorId, name: services.officeLabel(region, lang), phones: services.phones(region, lang) }),
      );
      reply.channelData = { messageKey: 'turnError' };
      await context.sendActivity(reply);
      await clearState(context);
    } catch (inner) {
      logger.error({ err: inner, errorId }, 'could not apologise after a failed turn');
    }
  };
}

/**
 * The person's language; when their state is what failed (it cannot be read), the client's
 * locale: the apology must never depend on the state that broke the turn.
 */
async function languageOf(context: TurnContext, services: DialogServices, logger: Logger, errorId: string): Promise<Lang> {
  try {
    return await services.lang(context);
  } catch (err) {
    logger.warn({ err, errorId }, "apologising in the client's language: the person's state cannot be read");
    return /^bo\b/i.test(context.activity.locale ?? '') ? 'bo' : DEFAULT_LANG;
  }
}
