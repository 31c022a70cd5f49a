import { AppError } from '../errors/appError.js';

/** One activity is bigger than a whole conversation's byte budget, so no trimming could make room for it. */
export class ActivityTooLargeError extends AppError {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`the activity is ${bytes} bytes; a conversation holds at most ${limit}`, { bytes, limit });
  }
}
