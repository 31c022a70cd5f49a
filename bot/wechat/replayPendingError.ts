import { AppError } from '../errors/appError.js';

/** Another instance is still answering this message and its answer did not arrive in time; the router answers `success`. */
export class ReplayPendingError extends AppError {
  constructor(readonly waitedMs: number) {
    super(`another instance is still answering this message after ${waitedMs} ms`, { waitedMs });
  }
}
