import type { Middleware, TurnContext } from 'botbuilder';
import type { KeyedLock } from './keyedLock.js';

/**
 * One turn per conversation at a time, on every channel and (with RedisKeyedLock) across every
 * instance: the next turn of a conversation loads its state only after the previous one saved it,
 * so a double tap or a channel's retry cannot overwrite an answer. Runs around the rest of the
 * middleware and the bot; a turn that waits too long fails with LockTimeoutError (the turn error
 * handler answers it).
 *
 * Then one turn per person at a time: user state (the profile) is saved whole, so one person's
 * turns in two conversations at once would each write back what they loaded and one field (a
 * county in one, the language in the other) would be lost. Always conversation first, then
 * person, so two turns never wait for each other in a circle.
 */
export class TurnLockMiddleware implements Middleware {
  constructor(private readonly lock: KeyedLock) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { channelId = '', conversation, from } = context.activity;
    const byPerson = (): Promise<void> => (from?.id ? this.lock.withLock(`user:${channelId}:${from.id}`, () => next()) : next());
    if (!conversation?.id) return byPerson();
    await this.lock.withLock(`turn:${channelId}:${conversation.id}`, byPerson);
  }
}
