import express, { type Express, type RequestHandler } from 'express';
import { createDirectLineRouter, type DirectLineRouterDeps } from '../directline/directLineRouter.js';
import type { Logger } from '../logging/logger.js';
import { createApiRouter, type ApiDeps } from './apiRouter.js';
import { errorHandler, notFound } from './httpErrors.js';
import type { StaffAuth } from './staffAuth.js';

export interface AppDeps extends ApiDeps {
  logger: Logger;
  /** POST /api/messages (Bot Framework) */
  messages?: RequestHandler;
  /** /v3/directline */
  directLine?: Omit<DirectLineRouterDeps, 'logger'>;
  /** staff sign-in (/staff/login, /staff/logout); its `requireStaff` guards staff-only routes */
  staffAuth?: StaffAuth;
}

/** Body limit of the Bot Framework endpoint: an activity is small; anything bigger is refused with 413. */
const ACTIVITY_LIMIT = '256kb';

/** The express app without a port, so tests drive it in process and index.ts listens. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  if (deps.messages) app.post('/api/messages', express.json({ limit: ACTIVITY_LIMIT }), deps.messages);
  if (deps.staffAuth) app.use('/staff', deps.staffAuth.router());
  app.use('/api', createApiRouter(deps));
  // The Direct Line router parses its own bodies so even parser errors keep the Direct Line error shape.
  if (deps.directLine) app.use('/v3/directline', createDirectLineRouter({ ...deps.directLine, logger: deps.logger }));

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
