import { AppError } from './appError.js';

/** Bad input from a client: the HTTP layer answers it with a 4xx and this message. */
export class InputError extends AppError {
  constructor(
    message: string,
    readonly status: number = 400,
    context: Record<string, unknown> = {},
  ) {
    super(message, context);
  }
}
