import { AppError } from '../errors/appError.js';

/** Waited `waitedMs` for a key another holder kept: the caller answers "busy" rather than queueing for ever. */
export class LockTimeoutError extends AppError {
  constructor(
    readonly key: string,
    readonly waitedMs: number,
  ) {
    super(`Lock: "${key}" still held by someone else after ${waitedMs} ms`, { key, waitedMs });
  }
}
