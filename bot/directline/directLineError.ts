import { AppError } from '../errors/appError.js';

/**
 * Direct Line 3.0 error codes (the `code` of `{ "error": { code, message } }`).
 * The HTTP status and the code are the stable part of the contract; messages may change.
 */
export type DirectLineErrorCode =
  | 'BadArgument'
  | 'BadSyntax'
  | 'MessageSizeTooBig'
  | 'UnsupportedMediaType'
  | 'Unauthorized'
  | 'TokenExpired'
  | 'Forbidden'
  | 'NotFound'
  | 'Throttled'
  | 'BotError'
  | 'BotTimeout'
  | 'ServiceError';

/** A failure the Direct Line router answers with `status` and the Direct Line error body. */
export class DirectLineError extends AppError {
  constructor(
    readonly status: number,
    readonly code: DirectLineErrorCode,
    message: string,
    context: Record<string, unknown> = {},
  ) {
    super(message, context);
  }
}
