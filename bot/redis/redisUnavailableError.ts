import { AppError } from '../errors/appError.js';

/** Redis could not be reached (at start-up, or for a check); the URL in the message has no password. */
export class RedisUnavailableError extends AppError {
  constructor(
    readonly url: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Redis at ${url} is unreachable: ${reason}`, { url }, options);
  }
}
