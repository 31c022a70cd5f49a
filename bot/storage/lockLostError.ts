import { AppError } from '../errors/appError.js';

/** A lease's expiry passed without renewal (holder frozen, Redis away): another holder may have the key now. */
export class LockLostError extends AppError {
  constructor(readonly key: string) {
    super(`Lock: the lease on "${key}" expired before it was released`, { key });
  }
}
