import { AppError } from '../errors/appError.js';

/**
 * A write carried an eTag that no longer matches the stored item: someone else wrote the key
 * since the caller read it. Nothing was written; re-read, merge and try again.
 */
export class StorageConflictError extends AppError {
  constructor(
    readonly key: string,
    readonly expectedETag: string,
    readonly actualETag: string,
  ) {
    super(`Storage: error writing "${key}" due to eTag conflict (the write carried eTag "${expectedETag}", the stored item has "${actualETag}")`, {
      key,
      expectedETag,
      actualETag,
    });
  }
}
