import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { InputError } from '../errors/inputError.js';
import type { Logger } from '../logging/logger.js';

/** The one error body every endpoint uses. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
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
    const errorId = Math.random().toString(36).slice(2, 10);
    logger.error({ err, errorId, method: req.method, path: req.path }, 'unhandled error');
    sendError(res, 500, 'internal', `internal error (id ${errorId})`);
  };
}
