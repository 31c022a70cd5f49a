import type { Middleware, TurnContext } from 'botbuilder';
import { maskDeep, maskPii } from './piiMasker.js';

/**
 * Masks personal numbers in what a person sends (text, value, speak) before anything else sees
 * the turn: the dialogs, state, the review queue and the logs then only ever hold masked text.
 * Register it first on every adapter (`useTurnMiddleware` in bot/index.ts). What the bot sends is left
 * alone: our answers carry office phones that must reach people unmasked.
 */
export class PiiMaskingMiddleware implements Middleware {
  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    maskActivity(context.activity);
    await next();
  }
}

/** Masks the person-supplied fields of an incoming activity in place, and returns it. */
export function maskActivity<T extends { text?: unknown; value?: unknown; speak?: unknown }>(activity: T): T {
  if (typeof activity.text === 'string') activity.text = maskPii(activity.text, { landlines: true });
  if (typeof activity.speak === 'string') activity.speak = maskPii(activity.speak, { landlines: true });
  if (activity.value !== undefined) activity.value = maskDeep(activity.value, { landlines: true });
  return activity;
}
