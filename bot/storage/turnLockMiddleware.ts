import type { Middleware, TurnContext } from 'botbuilder';
import type { KeyedLock } from './keyedLock.js';

/**
 * One turn per conversation at a time, on every channel and (with RedisKeyedLock) across every
 * instance: the next turn of a conversation loads its state only after the previous one saved it,
 * so a double tap or a channel's retry cannot overwrite an answer. Runs around the rest of the
 * middleware and the bot; a turn that waits too long fails with LockTimeoutError (the turn error
 * handler answers it).
 */
export class TurnLockMiddleware implements Middleware {
  constructor(private readonly lock: KeyedLock) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const conversation = context.activity.conversation?.id;
    if (!conversation) return next();
    await this.lock.withLock(`turn:${context.activity.channelId ?? ''}:${conversation}`, () => next());
  }
}
