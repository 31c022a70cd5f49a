import { AppError } from '../errors/appError.js';

/** WeChat's internet API refused a call or could not be reached; never carries the secret or the access token. */
export class WeChatApiError extends AppError {
  constructor(
    message: string,
    readonly step: 'token' | 'menu',
    readonly errcode?: number,
  ) {
    super(message, { step, errcode });
  }
}
