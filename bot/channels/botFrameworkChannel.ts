import {
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ActivityHandler,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { RequestHandler } from 'express';
import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { sendError } from '../server/httpErrors.js';
import { BotFrameworkAdapter } from './botFrameworkAdapter.js';
import { GuardedHttpClient } from './guardedHttpClient.js';
import { ServiceUrlPolicy } from './serviceUrlPolicy.js';

/**
 * POST /api/messages through the SDK's CloudAdapter: Azure Bot Service credentials from the
 * environment (CloudAdapter checks every request's token), or anonymous for the Bot Framework
 * Emulator on this machine. Before a turn runs, the activity's serviceUrl must pass the policy
 * (serviceUrlPolicy.ts), so a refused activity costs no outbound request; every outbound call
 * goes through GuardedHttpClient (the same policy again, and a timeout); conversation and user
 * ids are namespaced to this route (botFrameworkAdapter.ts). The route answers in the app's JSON
 * error shape, where CloudAdapter.process would answer 401 and 500 as text.
 */
export function createBotFrameworkChannel(
  config: Config,
  bot: ActivityHandler,
  onTurnError: (context: TurnContext, error: Error) => Promise<void>,
  logger?: Logger,
): { adapter: BotFrameworkAdapter; handler: RequestHandler } {
  const log = logger?.child({ component: 'botframework' });
  const authenticated = config.botAuth.MicrosoftAppId !== undefined;
  const policy = new ServiceUrlPolicy({ authenticated, anonymousAllowed: config.botFramework.anonymousAllowed, hosts: config.botFramework.serviceUrlHosts });
  const auth = new ConfigurationBotFrameworkAuthentication(config.botAuth as ConfigurationBotFrameworkAuthenticationOptions, undefined, undefined, undefined, {
    httpClient: new GuardedHttpClient(policy, config.botFramework.outboundTimeoutMs),
  });
  const adapter = new BotFrameworkAdapter(auth);
  adapter.onTurnError = onTurnError;
  // activityGuard has checked the shape (type, channelId, serviceUrl, conversation.id).
  const handler: RequestHandler = async (req, res, next) => {
    const body = req.body as Activity;
    const verdict = policy.check(body.serviceUrl);
    if (!verdict.ok) {
      // The host is what an operator needs to extend BOT_SERVICE_URL_HOSTS; the rest of the URL is not logged.
      log?.warn(
        { code: verdict.code, serviceUrlHost: hostOf(body.serviceUrl), channelId: body.channelId.slice(0, 64), ip: req.ip },
        'Bot Framework activity refused',
      );
      sendError(res, 403, verdict.code, verdict.message);
      return;
    }
    try {
      const answer = await adapter.run(req.get('authorization') ?? '', BotFrameworkAdapter.inward(withDates(body)), (context) => bot.run(context));
      // The SDK's answer to an invoke no handler takes is 501; to the client it is an activity this bot cannot use.
      // Other invoke answers (e.g. 400 application/vnd.microsoft.error) are the protocol's own bodies and pass as they are.
      if (answer?.status === 501) {
        sendError(res, 400, 'bad_request', `this bot handles no invoke activity named ${JSON.stringify(String(body.name ?? '')).slice(0, 140)}`);
        return;
      }
      if (answer?.body !== undefined) res.status(answer.status).json(answer.body);
      else res.status(answer?.status ?? 200).end();
    } catch (err) {
      // botframework-connector's AuthenticationError: a missing or invalid token.
      const status = (err as { statusCode?: unknown }).statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        sendError(res, status, status === 401 ? 'unauthorized' : 'forbidden', `Bot Framework authentication failed: ${(err as Error).message}`);
        return;
      }
      next(err);
    }
  };
  return { adapter, handler };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(not a URL)';
  }
}

/** Timestamps as Date objects, as CloudAdapter.process makes them (its validateAndFixActivity is not exported). */
function withDates(activity: Activity): Activity {
  const fixed = { ...activity } as Activity & Record<string, unknown>;
  for (const field of ['timestamp', 'expiration', 'localTimestamp'] as const) {
    const value = fixed[field];
    if (typeof value === 'string') {
      fixed[`raw${field[0]!.toUpperCase()}${field.slice(1)}`] = value;
      (fixed as Record<string, unknown>)[field] = new Date(value);
    }
  }
  return fixed;
}
