import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ActivityHandler,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { RequestHandler } from 'express';
import type { Config } from '../config/config.js';

/**
 * POST /api/messages through the SDK's CloudAdapter: anonymous when no
 * MicrosoftAppId is configured (Bot Framework Emulator, local clients), Azure Bot
 * Service credentials from the environment otherwise.
 */
export function createBotFrameworkChannel(
  config: Config,
  bot: ActivityHandler,
  onTurnError: (context: TurnContext, error: Error) => Promise<void>,
): { adapter: CloudAdapter; handler: RequestHandler } {
  const auth = new ConfigurationBotFrameworkAuthentication(config.botAuth as ConfigurationBotFrameworkAuthenticationOptions);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = onTurnError;
  const handler: RequestHandler = async (req, res, next) => {
    try {
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (err) {
      next(err);
    }
  };
  return { adapter, handler };
}
