import express, { type Express } from 'express';
import type { Logger } from '../logging/logger.js';
import { createApiRouter, type ApiDeps } from './apiRouter.js';
import { errorHandler, notFound } from './httpErrors.js';

export interface AppDeps extends ApiDeps {
  logger: Logger;
}

/** The express app without a port, so tests drive it in process and index.ts listens. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use('/api', createApiRouter(deps));

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
