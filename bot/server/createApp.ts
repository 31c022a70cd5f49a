import compression from 'compression';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { ConversationsFullError } from '../directline/conversationsFullError.js';
import { createDirectLineRouter, type DirectLineRouterDeps } from '../directline/directLineRouter.js';
import type { Logger } from '../logging/logger.js';
import { createWeChatRouter, type WeChatRouterDeps } from '../wechat/wechatRouter.js';
import { activityGuard } from './activityGuard.js';
import { createAdminRouter, type AdminDeps } from './adminRouter.js';
import { createApiRouter, type ApiDeps } from './apiRouter.js';
import { helmetPolicy } from './helmetPolicy.js';
import { jsonDepthGuard } from './jsonDepth.js';
import { errorHandler, notFound, sendError } from './httpErrors.js';
import type { CpuBudget } from './cpuBudget.js';
import { clientRateLimits, type RateLimitStores } from './rateLimit.js';
import { requestLog } from './requestLog.js';
import { SHARED_STORE_ROUTES } from './sharedStoreGuard.js';
import type { StaffAuth } from './staffAuth.js';
import { createWebRouter, type WebDeps } from './webRouter.js';

export interface AppDeps extends ApiDeps {
  logger: Logger;
  /** POST /api/messages (Bot Framework) */
  messages?: RequestHandler;
  /** /v3/directline */
  directLine?: Omit<DirectLineRouterDeps, 'logger'>;
  /** GET and POST /wechat (WeChat Official Account), only when WECHAT_TOKEN is set */
  wechat?: Omit<WeChatRouterDeps, 'logger'>;
  /** staff sign-in (/staff/login, /staff/logout); its `requireStaff` guards staff-only routes */
  staffAuth?: StaffAuth;
  /** the review queue API at /api/admin (mounted only with staffAuth, which guards it) */
  admin?: Omit<AdminDeps, 'requireStaff'>;
  /** requests per minute per client on chat and search endpoints; 0 or absent: no limit */
  rateLimitPerMinute?: number;
  /** where the rate limits count (Redis with REDIS_URL, one budget across instances); absent: this process's memory */
  rateLimitStores?: RateLimitStores;
  /** express "trust proxy" (TRUST_PROXY) */
  trustProxy?: boolean | number | string[];
  /** the web chat widget, kiosk and agent console (/, /chat, /kiosk, /agent) and their assets */
  web?: Pick<WebDeps, 'localesDir' | 'kioskIdleSeconds'> & { embedOrigins: readonly string[]; production: boolean };
  /** refuses work with 503 while the process is over its memory budget (MemoryGuard); /healthz is before it */
  memoryGuard?: RequestHandler;
  /** per-client CPU budget on the same endpoints as the rate limit (CPU_BUDGET_MS_PER_MINUTE) */
  cpuBudget?: CpuBudget;
  /** GET /readyz: whether the shared stores (Redis) answer; absent: always ready */
  readiness?: () => Promise<{ ready: boolean; checks: Record<string, string> }>;
  /** 503 with Retry-After on the chat routes (SHARED_STORE_ROUTES) while the shared store (Redis) is away; absent: embedded stores */
  sharedStoreGuard?: RequestHandler;
}

/** Body limit of the Bot Framework endpoint: an activity is small; anything bigger is refused with 413. */
const ACTIVITY_LIMIT = '256kb';

/** The express app without a port, so tests drive it in process and index.ts listens. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(requestLog(deps.logger));
  // Before every body parser: a JSON body nested too deep is that parser's 400, on every route.
  app.use(jsonDepthGuard());
  const limits = clientRateLimits(deps.rateLimitPerMinute ?? 0, deps.rateLimitStores);
  const pass: RequestHandler = (_req, _res, next) => next();
  const cpu = deps.cpuBudget?.byAddress() ?? pass;
  const wechatCpu = deps.cpuBudget?.byWeChatUser() ?? pass;
  app.use(helmetPolicy({ embedOrigins: deps.web?.embedOrigins ?? [], production: deps.web?.production ?? false }));
  // Dynamic answers (JSON, Direct Line polls); static files arrive already compressed and are skipped.
  // Only bodies worth it (a search answer is under 2 kB, a Direct Line page with a checklist card
  // 5-20 kB), at zlib's fastest level: level 6 on every body over 1 kB was ~8 % of a turn's CPU.
  app.use(compression({ threshold: 8 * 1024, level: 1 }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Readiness, for a load balancer: 503 while the stores every instance shares are unreachable.
  app.get('/readyz', async (_req, res) => {
    const { ready, checks } = deps.readiness ? await deps.readiness() : { ready: true, checks: {} };
    if (ready) {
      res.json({ status: 'ready', checks });
      return;
    }
    res.set('Retry-After', '5');
    const failing = Object.entries(checks)
      .map(([name, state]) => `${name}: ${state}`)
      .join('; ');
    res.status(503).json({ status: 'not_ready', checks, error: { code: 'not_ready', message: `not ready: ${failing}` } });
  });
  if (deps.memoryGuard) app.use(deps.memoryGuard);
  if (deps.sharedStoreGuard) app.use(SHARED_STORE_ROUTES, deps.sharedStoreGuard);
  if (deps.messages) app.post('/api/messages', limits.chat, cpu, express.json({ limit: ACTIVITY_LIMIT }), activityGuard, deps.messages);
  if (deps.staffAuth) app.use('/staff', deps.staffAuth.router());
  // Before the web router: its Direct Line token endpoint opens a conversation per call.
  app.use(['/api/search', '/api/offices', '/api/directline/token', '/web/qr'], limits.chat, cpu);
  if (deps.web) {
    app.use(
      createWebRouter({
        ...deps.web,
        knowledge: deps.knowledge,
        staffAuth: deps.staffAuth,
        directLine: deps.directLine ? { store: deps.directLine.store, tokens: deps.directLine.tokens } : undefined,
      }),
    );
  }
  if (deps.admin && deps.staffAuth) app.use('/api/admin', createAdminRouter({ ...deps.admin, requireStaff: deps.staffAuth.requireStaff }));
  app.use('/api', createApiRouter(deps));
  // The Direct Line router parses its own bodies so even parser errors keep the Direct Line error shape.
  if (deps.directLine) app.use('/v3/directline', limits.chat, cpu, createDirectLineRouter({ ...deps.directLine, logger: deps.logger }));
  // Its own raw-text body parser (64 kB) and error answers, like Direct Line.
  if (deps.wechat)
    app.use(
      '/wechat',
      limits.wechatRefused,
      createWeChatRouter({
        ...deps.wechat,
        limit: (req, res, next) => limits.wechat(req, res, (err?: unknown) => (err ? next(err) : wechatCpu(req, res, next))),
        logger: deps.logger,
      }),
    );

  app.use(conversationsFull);
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}

/** /api/directline/token when the Direct Line store is full: 429 with the time the oldest idle conversation expires. */
const conversationsFull: ErrorRequestHandler = (err, _req, res, next) => {
  if (!(err instanceof ConversationsFullError)) {
    next(err);
    return;
  }
  res.set('Retry-After', String(err.retryAfterSeconds));
  sendError(res, 429, 'too_many_requests', err.message);
};
