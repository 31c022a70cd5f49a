import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { newErrorId } from '../errors/errorId.js';
import { InputError } from '../errors/inputError.js';
import type { Logger } from '../logging/logger.js';

/** The one error body every endpoint uses. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/**
 * The one way an unexpected error becomes an answer: logged with a fresh error id, and a 500 that
 * names only that id (each endpoint keeps its protocol's code: Direct Line's is ServiceError).
 */
export function sendInternalError(res: Response, logger: Logger, err: unknown, fields: Record<string, unknown>, what: string, code = 'internal'): void {
  const errorId = newErrorId();
  logger.error({ err, errorId, ...fields }, what);
  sendError(res, 500, code, `internal error (id ${errorId})`);
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

export const notFound: RequestHandler = (req, res) => {
  sendError(res, 404, 'not_found', `no such endpoint: ${req.method} ${req.path}`);
};

/** Client mistakes become 4xx with their message; anything else is logged and hidden behind a 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof InputError) {
      sendError(res, err.status, CODES[err.status] ?? 'bad_request', err.message);
      return;
    }
    // body-parser and friends mark client errors with a status / type.
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e.status ?? e.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message =
        e.type === 'entity.parse.failed'
          ? 'the request body is not valid JSON'
          : e.type === 'entity.too.large'
            ? 'the request body is too large'
            : (e.message ?? 'bad request');
      sendError(res, status, CODES[status] ?? 'bad_request', message);
      return;
    }
    sendInternalError(res, logger, err, { method: req.method, path: req.path }, 'unhandled error');
  };
}
