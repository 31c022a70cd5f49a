import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../errors/configError.js';

/**
 * The repository root, so paths work whatever the working directory is: two levels up from this
 * file in the sources, three from the compiled build (dist/bot/config/config.js).
 */
const SOURCE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ROOT_DIR = path.basename(SOURCE_ROOT) === 'dist' ? path.dirname(SOURCE_ROOT) + path.sep : SOURCE_ROOT;

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  KNOWLEDGE_DIR: z.string().min(1).default(path.join(ROOT_DIR, 'knowledge')),
  LOCALES_DIR: z.string().min(1).default(path.join(ROOT_DIR, 'locales')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** idle minutes after which a conversation's state is forgotten */
  STATE_TTL_MINUTES: z.coerce
    .number()
    .positive()
    .default(60 * 24),
  /** signs Direct Line tokens; generated per process when unset (tokens then end with a restart) */
  DIRECTLINE_SECRET: z.string().min(32, 'DIRECTLINE_SECRET must be at least 32 characters').optional(),
  /** staff sign-in token of the agent console; generated per process outside production when unset */
  STAFF_TOKEN: z.string().min(16, 'STAFF_TOKEN must be at least 16 characters').optional(),
  /** seconds without touch or typing after which the kiosk clears its conversation */
  KIOSK_IDLE_SECONDS: z.coerce.number().int().min(1).max(3600).default(90),
  /** the hall's own county (江孜县), offered first as 就在本县 on a kiosk that names none; checked against the office directory at start-up */
  KIOSK_COUNTY: z.string().trim().min(1).max(40).optional(),
  /** comma-separated origins (https://ylbz.xizang.gov.cn) whose pages may embed the chat widget */
  WIDGET_EMBED_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    )
    .pipe(z.array(z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'WIDGET_EMBED_ORIGINS lists origins like https://example.org, comma-separated'))),
  /** requests per minute per client on the chat and search endpoints; 0 turns the limit off (load tests) */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(120),
  /** CPU milliseconds per minute per client on the chat and search endpoints (per WeChat user on /wechat); 0 turns it off */
  CPU_BUDGET_MS_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
  /** express "trust proxy": false, true, a hop count or a comma-separated list of addresses/subnets */
  TRUST_PROXY: z.string().trim().min(1).default('false'),
  /** days after which review items, feedback and stored conversations are deleted */
  RETENTION_DAYS: z.coerce.number().positive().default(30),
  /** on SIGTERM/SIGINT, how long requests and turns in flight may take to finish before they are cut off */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().min(0).max(600).default(10),
  /** WeChat Official Account: the Token of its server configuration; /wechat exists only when set */
  WECHAT_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{3,32}$/, 'WECHAT_TOKEN must be 3–32 letters or digits, as in the Official Account console')
    .optional(),
  WECHAT_APP_ID: z
    .string()
    .regex(/^wx[0-9A-Za-z]{16}$/, 'WECHAT_APP_ID must look like wx followed by 16 letters or digits')
    .optional(),
  /** set for 安全模式 (encrypted messages); needs WECHAT_APP_ID */
  WECHAT_ENCODING_AES_KEY: z
    .string()
    .regex(/^[A-Za-z0-9]{43}$/, 'WECHAT_ENCODING_AES_KEY must be exactly 43 letters or digits')
    .optional(),
  /** only `npm run wechat:menu` uses it (to get an access_token) */
  WECHAT_APP_SECRET: z.string().min(1).optional(),
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  /** how long a WeChat message may take before WeChat is answered "success" (it retries after 5 s) */
  WECHAT_REPLY_TIMEOUT_MS: z.coerce.number().int().min(1).max(4900, "WECHAT_REPLY_TIMEOUT_MS must stay under WeChat's 5-second deadline").default(4500),
  /** Direct Line: open conversations held at once; beyond it new ones get 429 until idle ones expire */
  DIRECTLINE_MAX_CONVERSATIONS: z.coerce.number().int().min(1).default(10_000),
  /** Direct Line: bytes (as JSON) one conversation's activity log keeps, oldest dropped first */
  DIRECTLINE_CONVERSATION_MAX_KB: z.coerce.number().positive().default(256),
  /** Direct Line: bytes all activity logs keep together; the largest logs lose their oldest first */
  DIRECTLINE_TOTAL_MAX_MB: z.coerce.number().positive().default(64),
  /** Direct Line: idle minutes (no read or write) after which a conversation is forgotten */
  DIRECTLINE_IDLE_MINUTES: z.coerce.number().positive().default(30),
  /** Direct Line: polls per second per conversation (averaged over 2 s); 0 turns the limit off */
  DIRECTLINE_POLLS_PER_SECOND: z.coerce.number().min(0).default(5),
  /** Direct Line: WebSocket streams one instance holds at once; beyond it an upgrade gets 503 */
  DIRECTLINE_MAX_SOCKETS: z.coerce.number().int().min(1).default(10_000),
  /** Direct Line: streams of one conversation; a newer one closes the oldest (a page reconnecting after a network change) */
  DIRECTLINE_SOCKETS_PER_CONVERSATION: z.coerce.number().int().min(1).max(100).default(3),
  /** V8 heap in use (MiB) beyond which requests get 503; default 85 % of V8's heap limit */
  MEMORY_BUDGET_HEAP_MB: z.coerce.number().positive().optional(),
  /** resident memory (MiB) beyond which requests get 503; default 90 % of the container's limit, none without one */
  MEMORY_BUDGET_RSS_MB: z.coerce.number().positive().optional(),
  MicrosoftAppId: z.string().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  MicrosoftAppTenantId: z.string().optional(),
  /** anonymous /api/messages (no MicrosoftAppId) in production; never for other than loopback serviceUrls */
  BOT_ALLOW_ANONYMOUS: z.enum(['true', 'false'], { error: 'BOT_ALLOW_ANONYMOUS must be true or false' }).optional(),
  /** hosts /api/messages may reply to with credentials set: exact names or *.suffix, comma-separated */
  BOT_SERVICE_URL_HOSTS: z
    .string()
    .default('*.botframework.com,*.botframework.azure.us,smba.trafficmanager.net')
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== ''),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/,
            'BOT_SERVICE_URL_HOSTS lists host names like *.botframework.com or smba.trafficmanager.net, comma-separated',
          ),
      ),
    ),
  /** the most one outbound Bot Framework call (a reply to serviceUrl) may take */
  BOT_OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** redis:// or rediss:// URL; set: state and turn locks shared in Redis (several instances); unset: files under DATA_DIR (one instance) */
  REDIS_URL: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), // an empty REDIS_URL= means unset
    z
      .string()
      .trim()
      .regex(/^rediss?:\/\/[^\s]+$/, 'REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0')
      .optional(),
  ),
  /** put before every Redis key, so several services (or environments) can share one Redis */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{0,64}$/, 'REDIS_KEY_PREFIX must be at most 64 letters, digits or _ . : -')
    .default('yibao:'),
  /** with REDIS_URL, how often each instance reads Redis for a reload it missed (pub/sub is fire-and-forget) */
  REDIS_RESYNC_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
});

export type Config = Readonly<{
  port: number;
  host: string | undefined;
  dataDir: string;
  knowledgeDir: string;
  localesDir: string;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  nodeEnv: z.infer<typeof Env>['NODE_ENV'];
  stateTtlMs: number;
  directLineSecret: string | undefined;
  /** the agent console's sign-in token */
  staffToken: string;
  /** true when staffToken was generated because STAFF_TOKEN is unset (index.ts logs it once) */
  staffTokenGenerated: boolean;
  kioskIdleSeconds: number;
  kioskCounty: string | undefined;
  widgetEmbedOrigins: readonly string[];
  rateLimitPerMinute: number;
  /** CPU milliseconds per minute per client (CpuBudget); 0: off */
  cpuBudgetMsPerMinute: number;
  trustProxy: boolean | number | string[];
  retentionMs: number;
  /** SHUTDOWN_TIMEOUT_SECONDS in ms (GracefulShutdown) */
  shutdownTimeoutMs: number;
  /** Direct Line conversation store budgets and poll limit */
  directLine: Readonly<{
    maxConversations: number;
    maxBytesPerConversation: number;
    maxTotalBytes: number;
    idleTtlMs: number;
    pollsPerSecond: number;
    maxSockets: number;
    socketsPerConversation: number;
  }>;
  /** memory beyond which requests are refused with 503; undefined: the guard's defaults */
  memoryBudget: Readonly<{ heapBytes: number | undefined; rssBytes: number | undefined }>;
  /** WeChat Official Account; `token` unset means no /wechat route */
  wechat: Readonly<{
    token: string | undefined;
    appId: string | undefined;
    encodingAesKey: string | undefined;
    appSecret: string | undefined;
    apiBase: string;
    replyTimeoutMs: number;
  }>;
  /** Bot Framework credentials; all undefined means anonymous (Emulator, local clients) */
  botAuth: {
    MicrosoftAppId?: string;
    MicrosoftAppPassword?: string;
    MicrosoftAppType?: string;
    MicrosoftAppTenantId?: string;
  };
  /** REDIS_URL and REDIS_KEY_PREFIX; undefined: the embedded stores (lowdb files, in-process locks) */
  redis: Readonly<{ url: string; keyPrefix: string; /** REDIS_RESYNC_SECONDS in ms */ resyncMs: number }> | undefined;
  /** what /api/messages accepts and where it may send replies (see bot/channels/serviceUrlPolicy.ts) */
  botFramework: Readonly<{
    /** anonymous activities (no MicrosoftAppId) are served: outside production, or with BOT_ALLOW_ANONYMOUS=true */
    anonymousAllowed: boolean;
    serviceUrlHosts: readonly string[];
    outboundTimeoutMs: number;
  }>;
}>;

/** Reads the environment once; a bad value stops start-up with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${issues}`, { issues: parsed.error.issues });
  }
  const e = parsed.data;
  if (!e.STAFF_TOKEN && e.NODE_ENV === 'production') {
    throw new ConfigError('STAFF_TOKEN must be set in production (at least 16 characters)', { variable: 'STAFF_TOKEN' });
  }
  if (e.WECHAT_ENCODING_AES_KEY && !e.WECHAT_APP_ID) {
    throw new ConfigError('WECHAT_ENCODING_AES_KEY is set but WECHAT_APP_ID is not (safe mode checks the AppID inside every message)', {
      variable: 'WECHAT_APP_ID',
    });
  }
  if (e.WECHAT_ENCODING_AES_KEY && !e.WECHAT_TOKEN) {
    throw new ConfigError('WECHAT_ENCODING_AES_KEY is set but WECHAT_TOKEN is not', { variable: 'WECHAT_TOKEN' });
  }
  if (e.MicrosoftAppId && !e.MicrosoftAppPassword && e.MicrosoftAppType !== 'UserAssignedMSI') {
    throw new ConfigError('MicrosoftAppId is set but MicrosoftAppPassword is not', { variable: 'MicrosoftAppPassword' });
  }
  if (e.DIRECTLINE_CONVERSATION_MAX_KB * 1024 > e.DIRECTLINE_TOTAL_MAX_MB * 1024 * 1024) {
    throw new ConfigError('DIRECTLINE_CONVERSATION_MAX_KB must not exceed DIRECTLINE_TOTAL_MAX_MB', { variable: 'DIRECTLINE_CONVERSATION_MAX_KB' });
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    knowledgeDir: path.resolve(e.KNOWLEDGE_DIR),
    localesDir: path.resolve(e.LOCALES_DIR),
    logLevel: e.LOG_LEVEL,
    nodeEnv: e.NODE_ENV,
    stateTtlMs: e.STATE_TTL_MINUTES * 60_000,
    directLineSecret: e.DIRECTLINE_SECRET,
    staffToken: e.STAFF_TOKEN ?? randomBytes(18).toString('base64url'),
    staffTokenGenerated: !e.STAFF_TOKEN,
    kioskIdleSeconds: e.KIOSK_IDLE_SECONDS,
    kioskCounty: e.KIOSK_COUNTY,
    widgetEmbedOrigins: e.WIDGET_EMBED_ORIGINS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    cpuBudgetMsPerMinute: e.CPU_BUDGET_MS_PER_MINUTE,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    retentionMs: e.RETENTION_DAYS * 24 * 3600_000,
    shutdownTimeoutMs: Math.round(e.SHUTDOWN_TIMEOUT_SECONDS * 1000),
    directLine: Object.freeze({
      maxConversations: e.DIRECTLINE_MAX_CONVERSATIONS,
      maxBytesPerConversation: Math.floor(e.DIRECTLINE_CONVERSATION_MAX_KB * 1024),
      maxTotalBytes: Math.floor(e.DIRECTLINE_TOTAL_MAX_MB * 1024 * 1024),
      idleTtlMs: e.DIRECTLINE_IDLE_MINUTES * 60_000,
      pollsPerSecond: e.DIRECTLINE_POLLS_PER_SECOND,
      maxSockets: e.DIRECTLINE_MAX_SOCKETS,
      socketsPerConversation: e.DIRECTLINE_SOCKETS_PER_CONVERSATION,
    }),
    memoryBudget: Object.freeze({
      heapBytes: e.MEMORY_BUDGET_HEAP_MB === undefined ? undefined : Math.floor(e.MEMORY_BUDGET_HEAP_MB * 2 ** 20),
      rssBytes: e.MEMORY_BUDGET_RSS_MB === undefined ? undefined : Math.floor(e.MEMORY_BUDGET_RSS_MB * 2 ** 20),
    }),
    wechat: Object.freeze({
      token: e.WECHAT_TOKEN,
      appId: e.WECHAT_APP_ID,
      encodingAesKey: e.WECHAT_ENCODING_AES_KEY,
      appSecret: e.WECHAT_APP_SECRET,
      apiBase: e.WECHAT_API_BASE,
      replyTimeoutMs: e.WECHAT_REPLY_TIMEOUT_MS,
    }),
    botAuth: e.MicrosoftAppId
      ? {
          MicrosoftAppId: e.MicrosoftAppId,
          MicrosoftAppPassword: e.MicrosoftAppPassword,
          MicrosoftAppType: e.MicrosoftAppType ?? 'MultiTenant',
          MicrosoftAppTenantId: e.MicrosoftAppTenantId,
        }
      : {},
    redis: e.REDIS_URL === undefined ? undefined : Object.freeze({ url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX, resyncMs: e.REDIS_RESYNC_SECONDS * 1000 }),
    botFramework: Object.freeze({
      anonymousAllowed: e.BOT_ALLOW_ANONYMOUS === undefined ? e.NODE_ENV !== 'production' : e.BOT_ALLOW_ANONYMOUS === 'true',
      serviceUrlHosts: e.BOT_SERVICE_URL_HOSTS,
      outboundTimeoutMs: e.BOT_OUTBOUND_TIMEOUT_MS,
    }),
  });
}

/** TRUST_PROXY as express takes it; anything else stops start-up rather than trusting the wrong hop. */
function parseTrustProxy(raw: string): boolean | number | string[] {
  if (/^(false|0|no)$/i.test(raw)) return false;
  if (/^(true|yes)$/i.test(raw)) return true;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ok = list.every((s) => /^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/.test(s));
  if (!ok) {
    throw new ConfigError('TRUST_PROXY must be true, false, a hop count or a comma-separated list of addresses or subnets', { variable: 'TRUST_PROXY' });
  }
  return list;
}
