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

const ENCODING_TYPES = new Set<unknown>(['encoding.unsupported', 'charset.unsupported']);

/** A request body-parser or express could not read: its 4xx status and what went wrong. */
export interface ClientFault {
  status: number;
  kind: 'bad_json' | 'too_large' | 'encoding' | 'other';
  message: string | undefined;
  /** http-errors' expose: the message is meant for the client */
  exposed: boolean;
}

/**
 * The one reading of body-parser's errors every router shares (each answers in its own protocol's
 * codes); undefined for anything that is not a client's fault.
 */
export function clientFaultOf(err: unknown): ClientFault | undefined {
  const e = err as { status?: unknown; statusCode?: unknown; type?: unknown; expose?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  const kind = e.type === 'entity.parse.failed' ? 'bad_json' : e.type === 'entity.too.large' ? 'too_large' : ENCODING_TYPES.has(e.type) ? 'encoding' : 'other';
  return { status, kind, message: typeof e.message === 'string' ? e.message : undefined, exposed: e.expose === true };
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
    const fault = clientFaultOf(err);
    if (fault) {
      const message =
        fault.kind === 'bad_json'
          ? 'the request body is not valid JSON'
          : fault.kind === 'too_large'
            ? 'the request body is too large'
            : (fault.message ?? 'bad request');
      sendError(res, fault.status, CODES[fault.status] ?? 'bad_request', message);
      return;
    }
    sendInternalError(res, logger, err, { method: req.method, path: req.path }, 'unhandled error');
  };
}
