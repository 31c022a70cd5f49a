import type { RequestHandler } from 'express';
import { sendError } from './httpErrors.js';

/**
 * Where a chat turn or a new conversation needs the shared store (Redis) before it can start.
 * WeChat too: its MsgId claim is in Redis, and WeChat retries a 503 then tells the person to try later.
 */
export const SHARED_STORE_ROUTES = ['/api/messages', '/v3/directline', '/api/directline/token', '/wechat'];

/**
 * While the shared store (Redis) is away, a request that would run a turn or open a conversation
 * gets a clear 503 with Retry-After at once, instead of a turn that fails half-way or, worse, a
 * turn run on local state the other instances cannot see. Reads (GET: Direct Line polls, pages)
 * pass: Web Chat stops polling for good after an error, and they start no turn. The connection
 * heals itself; the next request after Redis returns is served.
 */
export function sharedStoreGuard(isUp: () => boolean, retryAfterSeconds = 5): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || isUp()) {
      next();
      return;
    }
    res.set('Retry-After', String(retryAfterSeconds));
    sendError(res, 503, 'store_unavailable', 'the shared store (Redis) is unreachable: nothing was done, try again shortly');
  };
}
