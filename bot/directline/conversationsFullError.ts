import { AppError } from '../errors/appError.js';

/**
 * The store holds as many conversations as it may and none has been idle long enough to
 * expire: a new one is refused rather than dropping one somebody is using. `retryAfterMs`
 * is when the least recently active one would expire if nobody touches it.
 */
export class ConversationsFullError extends AppError {
  constructor(
    readonly limit: number,
    readonly retryAfterMs: number,
  ) {
    super(`the service holds its maximum of ${limit} open conversations; try again shortly`, { limit, retryAfterMs });
  }

  /** Retry-After in whole seconds, at least 1. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.retryAfterMs / 1000));
  }
}
