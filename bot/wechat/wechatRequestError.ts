import { InputError } from '../errors/inputError.js';

/** Why a WeChat request was refused; logged as the reason and sent as the error code. */
export type WeChatRefusal =
  | 'missing_signature'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'empty_body'
  | 'unsupported_media_type'
  | 'forbidden_xml'
  | 'malformed_xml'
  | 'bad_message'
  | 'encryption_required'
  | 'encryption_not_configured'
  | 'bad_encryption'
  | 'appid_mismatch'
  | 'method_not_allowed';

/** A request WeChat's protocol does not allow: answered with its status and `{error:{code,message}}`, never processed. */
export class WeChatRequestError extends InputError {
  constructor(
    status: number,
    readonly code: WeChatRefusal,
    message: string,
  ) {
    super(message, status, { code });
  }
}
