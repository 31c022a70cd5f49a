import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';
import { maskPii } from '../privacy/piiMasker.js';

/**
 * One structured line per request when it ends: method, path and query (decoded, personal
 * numbers masked, as people type them into /api/search), status and time. Debug level for
 * success, info for client errors (5xx are logged by the error handlers with their cause).
 */
export function requestLog(logger: Logger): RequestHandler {
  const log = logger.child({ component: 'http' });
  // Nothing to write at this level (warn and above, as in load tests): no listener, no clock per request.
  if (!log.isLevelEnabled('info') && !log.isLevelEnabled('debug')) return (_req, _res, next) => next();
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const level = res.statusCode >= 400 && res.statusCode < 500 ? 'info' : 'debug';
      if (!log.isLevelEnabled(level)) return;
      log[level](
        { method: req.method, url: maskedUrl(req.originalUrl), status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, ip: req.ip },
        'request',
      );
    });
    next();
  };
}

function maskedUrl(url: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.replace(/\+/g, ' '));
  } catch {
    decoded = url;
  }
  return maskPii(decoded, { landlines: true }).slice(0, 1000);
}
