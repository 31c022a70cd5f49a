import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConversationState, UserState, type BotAdapter, type Storage } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { DialogServices } from '../dialogs/dialogServices.js';
import { MainDialog } from '../dialogs/mainDialog.js';
import type { UserProfile } from '../dialogs/userProfile.js';
import { ChecklistBuilder } from './answers/checklistBuilder.js';
import { ChecklistRenderer } from './answers/checklistRenderer.js';
import { MatterView } from './answers/matterView.js';
import { QrTextMaker } from './answers/qrText.js';
import { AssistantBot } from './assistantBot.js';
import { createBotFrameworkChannel } from './channels/botFrameworkChannel.js';
import { MemoryConversationStore, type ConversationStore } from './directline/conversationStore.js';
import { DirectLineAdapter } from './directline/directLineAdapter.js';
import { DirectLineStream } from './directline/directLineStream.js';
import { RedisConversationStore } from './directline/redisConversationStore.js';
import { TokenService } from './directline/tokenService.js';
import { loadConfig, type Config } from './config/config.js';
import { ConfigError } from './errors/configError.js';
import { Localizer } from './i18n/localizer.js';
import { KnowledgeBase } from './knowledge/knowledgeBase.js';
import { createLogger, type Logger } from './logging/logger.js';
import { createApp, type AppDeps } from './server/createApp.js';
import { CpuBudget } from './server/cpuBudget.js';
import { GracefulShutdown } from './server/gracefulShutdown.js';
import { sharedStoreGuard } from './server/sharedStoreGuard.js';
import { MemoryGuard } from './server/memoryGuard.js';
import { LowdbStaffSessionStore } from './server/lowdbStaffSessionStore.js';
import { RedisStaffSessionStore } from './server/redisStaffSessionStore.js';
import type { StaffSessionStore } from './server/staffSessionStore.js';
import { StaffAuth } from './server/staffAuth.js';
import { KeyedMutex } from './storage/keyedMutex.js';
import type { KeyedLock } from './storage/keyedLock.js';
import { LowdbStorage } from './storage/lowdbStorage.js';
import { RedisKeyedLock } from './storage/redisKeyedLock.js';
import { RedisStorage } from './storage/redisStorage.js';
import { TurnLockMiddleware } from './storage/turnLockMiddleware.js';
import type { RedisConnection } from './redis/redisConnection.js';
import { createTurnErrorHandler } from './turnErrorHandler.js';
import { FeedbackMiddleware } from './feedback/feedbackMiddleware.js';
import { LearnedExamples, type LearnedExampleStore } from './feedback/learnedExamples.js';
import { RedisLearnedExamples } from './feedback/redisLearnedExamples.js';
import { RedisReviewLog } from './feedback/redisReviewLog.js';
import { ReviewLog } from './feedback/reviewLog.js';
import type { ReviewStore } from './feedback/reviewStore.js';
import { RedisBus } from './redis/redisBus.js';
import { VersionedReload } from './redis/versionedReload.js';
import { ReviewReport } from './feedback/reviewReport.js';
import { PiiMaskingMiddleware } from './privacy/piiMaskingMiddleware.js';
import { Understanding } from './understanding/understanding.js';
import { WeChatAdapter } from './wechat/wechatAdapter.js';
import { WeChatChannel, WECHAT_SESSION_TTL_MS } from './wechat/wechatChannel.js';
import { RedisReplayGuard } from './wechat/redisReplayGuard.js';
import { RedisWeChatSessions } from './wechat/redisWeChatSessions.js';
import { LowdbWeChatSessions } from './wechat/lowdbWeChatSessions.js';
import { WeChatCrypto } from './wechat/wechatCrypto.js';
import { loadWeChatMenu } from './wechat/wechatMenu.js';

/** how long a staff sign-in lasts: one working shift and some */
const STAFF_SESSION_SECONDS = 12 * 3600;

/**
 * Parts made ahead of start-up from the knowledge (the V8 start-up snapshot, build/snapshotEntry.cjs). buildService
 * uses them only when `fits` finds the knowledge directory unchanged since (its files hash the same), so knowledge
 * stays data validated at start-up: changed files are loaded and validated afresh.
 */
export interface Prebuilt {
  fits(knowledgeDir: string): Promise<boolean>;
  knowledge: KnowledgeBase;
  /** the understanding built from `knowledge` with no learned examples, made ready to use (its segmenter's words) */
  activate(): Understanding;
}

export interface Service {
  config: Config;
  logger: Logger;
  storage: Storage;
  /** the Redis connection when REDIS_URL is set */
  redis: RedisConnection | undefined;
  knowledge: KnowledgeBase;
  understanding: Understanding;
  localizer: Localizer;
  bot: AssistantBot;
  /** the WeChat channel's adapter, when WECHAT_TOKEN is set */
  wechat: WeChatAdapter | undefined;
  app: ReturnType<typeof createApp>;
  /** SIGTERM/SIGINT: drain, run the hooks others register (onDrain / onClose), close; /readyz is 503 meanwhile */
  shutdown: GracefulShutdown;
  /** Direct Line's WebSocket streams; `close()` them on shutdown (clients reconnect elsewhere) */
  directLineStream: DirectLineStream;
  /** gives `server` (the one listening with `app`) its WebSocket upgrades */
  attach(server: Server): void;
  /** stops timers so a test process can exit */
  close(): void;
}

/** The composition root: config → logger → storage → knowledge → dialogs → bot → server. */
export async function buildService(env: NodeJS.ProcessEnv = process.env, logger?: Logger, prebuilt?: Prebuilt): Promise<Service> {
  const config = loadConfig(env);
  const log = logger ?? createLogger(config.logLevel);
  const shutdown = new GracefulShutdown({ timeoutMs: config.shutdownTimeoutMs, logger: log });
  // Conversations are kept no longer than RETENTION_DAYS, whatever STATE_TTL_MINUTES says.
  const stateTtlMs = Math.min(config.stateTtlMs, config.retentionMs);
  // REDIS_URL: state and turn locks shared by every instance (Redis down at start-up stops it here,
  // never a silent fall-back to local files); unset: files under DATA_DIR for one instance.
  // ioredis and rate-limit-redis are imported only then: without REDIS_URL they would cost start-up time and memory for nothing.
  const redis = config.redis ? await (await import('./redis/redisConnection.js')).RedisConnection.connect({ ...config.redis, logger: log }) : undefined;
  const lowdb = redis
    ? undefined
    : new LowdbStorage({
        dir: path.join(config.dataDir, 'state'),
        ttlMs: stateTtlMs,
        // A broken state file must not silence a person for good (their WeChat key is their openid).
        onCorrupt: (err) =>
          log.error({ err, key: err.key, backup: err.backupPath }, 'state file corrupt: copy kept, this conversation or person starts afresh'),
      });
  const storage: Storage = redis ? new RedisStorage({ client: redis.client, keyPrefix: redis.keyPrefix, ttlMs: stateTtlMs }) : (lowdb as LowdbStorage);
  const turnLock: KeyedLock = redis ? new RedisKeyedLock({ client: redis.client, keyPrefix: redis.keyPrefix }) : new KeyedMutex();
  if (redis) log.info({ redis: redis.url, keyPrefix: redis.keyPrefix }, 'state and turn locks in Redis');
  const fitting = prebuilt && (await prebuilt.fits(config.knowledgeDir)) ? prebuilt : undefined;
  if (prebuilt) log.info({ knowledgeDir: config.knowledgeDir, prebuilt: fitting !== undefined }, 'knowledge from the start-up snapshot, if unchanged');
  const baseKnowledge = fitting?.knowledge ?? (await KnowledgeBase.load(config.knowledgeDir));
  // Instances tell each other of review changes and reloads (REDIS_URL).
  const bus = redis ? new RedisBus(redis.client, redis.keyPrefix, log) : undefined;
  // Example phrases editors taught from the review queue (DATA_DIR/learned, or one Redis hash for every instance);
  // a broken file is set aside (copy kept, logged, shown on /agent/review).
  const learned: LearnedExampleStore = redis
    ? new RedisLearnedExamples({ client: redis.client, keyPrefix: redis.keyPrefix })
    : new LearnedExamples(config.dataDir, Date.now, log);
  // Each reload is counted in Redis, read before the examples: an instance that missed a reload's message catches up.
  const reloads =
    redis && bus
      ? await VersionedReload.open({ client: redis.client, keyPrefix: redis.keyPrefix, bus, name: 'reload', checkEveryMs: config.redis!.resyncMs, logger: log })
      : undefined;
  const examples = await learned.byMatter();
  const knowledge = baseKnowledge.withExamples(examples);
  const localizer = await Localizer.load(config.localesDir);
  // learned examples change the index: then it is built here
  const understanding = fitting && examples.size === 0 ? fitting.activate() : new Understanding(knowledge);

  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const dialogState = conversationState.createProperty<DialogState>('dialogState');
  const profile = userState.createProperty<UserProfile>('profile');
  const services = new DialogServices(
    knowledge,
    understanding,
    localizer,
    new ChecklistBuilder(knowledge, knowledge.directory),
    new ChecklistRenderer(localizer),
    profile,
  );
  if (config.kioskCounty && !services.county(config.kioskCounty)) {
    throw new ConfigError(`KIOSK_COUNTY "${config.kioskCounty}" is not one county of the office directory (knowledge/offices.json)`, {
      variable: 'KIOSK_COUNTY',
    });
  }
  const mainDialog = new MainDialog(services, { hallCounty: config.kioskCounty });
  const bot = new AssistantBot(conversationState, userState, dialogState, mainDialog, services);
  const onTurnError = createTurnErrorHandler(log, services, async (context) => {
    await conversationState.delete(context);
  });
  const botFramework = createBotFrameworkChannel(config, bot, onTurnError, log);
  // One review queue for every instance with REDIS_URL; day files under DATA_DIR/review for one.
  const reviewLog: ReviewStore = redis
    ? await RedisReviewLog.open({
        client: redis.client,
        keyPrefix: redis.keyPrefix,
        url: config.redis!.url,
        retentionMs: config.retentionMs,
        bus,
        resyncMs: config.redis!.resyncMs,
      })
    : new ReviewLog({ dir: path.join(config.dataDir, 'review'), retentionMs: config.retentionMs, logger: log });
  await reviewLog.sweep();
  await reviewLog.check();
  const reviewReport = new ReviewReport(reviewLog, { charVariants: knowledge.lexicon.charVariants });
  const feedback = new FeedbackMiddleware(conversationState, services, reviewLog, log);
  /** Every channel's adapter: personal numbers masked first, then feedback and the review queue. */
  const useTurnMiddleware = (adapter: BotAdapter): void => {
    adapter.use(new PiiMaskingMiddleware(), new TurnLockMiddleware(turnLock), feedback);
  };
  useTurnMiddleware(botFramework.adapter);

  // Budgets bound what anyone on the internet can make the Direct Line store hold (issue 11).
  // Embedded with DIRECTLINE_SECRET (tokens that outlive the process) each conversation is also a file
  // under DATA_DIR/directline, so a restart ends no one's chat.
  // With REDIS_URL in Redis instead, shared by every instance (its doorbell reaches their streams).
  const conversations: ConversationStore = redis
    ? new RedisConversationStore({ ...config.directLine, client: redis.client, keyPrefix: redis.keyPrefix })
    : config.directLineSecret
      ? await MemoryConversationStore.open({ ...config.directLine, dir: path.join(config.dataDir, 'directline'), logger: log })
      : new MemoryConversationStore(config.directLine);
  if (!config.directLineSecret) log.warn('DIRECTLINE_SECRET is unset: Direct Line tokens end with this process');
  const tokens = new TokenService({ secret: config.directLineSecret ?? TokenService.generateSecret() });
  const directLine = new DirectLineAdapter({ store: conversations, bot: { id: 'xizang-yibao-assistant', name: '西藏医保办事助手' } });
  directLine.onTurnError = onTurnError;
  useTurnMiddleware(directLine);
  const directLineStream = new DirectLineStream({
    store: conversations,
    tokens,
    logger: log,
    maxSockets: config.directLine.maxSockets,
    maxSocketsPerConversation: config.directLine.socketsPerConversation,
  });
  // First thing on SIGTERM: every stream closes with 1012, its client reconnects through another instance.
  shutdown.onDrain('Direct Line streams', () => directLineStream.close());

  // The menu is knowledge: checked at every start-up, published by `npm run wechat:menu`.
  await loadWeChatMenu(config.knowledgeDir, knowledge.categories);
  // Embedded, WeChat users' unread pages and late replies are files under DATA_DIR too, so a restart loses none.
  const wechatFileSessions =
    redis || !config.wechat.token
      ? undefined
      : new LowdbWeChatSessions({ dir: path.join(config.dataDir, 'wechat-sessions'), ttlMs: WECHAT_SESSION_TTL_MS, logger: log });
  let wechatAdapter: WeChatAdapter | undefined;
  let wechat: AppDeps['wechat'];
  if (config.wechat.token) {
    wechatAdapter = new WeChatAdapter({ bot: { id: 'xizang-yibao-assistant', name: '西藏医保办事助手' } });
    wechatAdapter.onTurnError = onTurnError;
    useTurnMiddleware(wechatAdapter);
    const { token, appId, encodingAesKey, replyTimeoutMs } = config.wechat;
    const channel = new WeChatChannel({
      adapter: wechatAdapter,
      logic: (context) => bot.run(context),
      localizer,
      categories: knowledge.categories,
      logger: log,
      replyTimeoutMs,
      // With REDIS_URL unread pages and late replies outlive a restart and follow the person to any instance.
      sessions: redis ? new RedisWeChatSessions({ client: redis.client, keyPrefix: redis.keyPrefix, ttlMs: WECHAT_SESSION_TTL_MS }) : wechatFileSessions,
      // One message per person at a time on every instance: pages read and saved by two at once would overwrite each other.
      lock: turnLock,
    });
    wechat = {
      channel,
      token,
      crypto: encodingAesKey && appId ? new WeChatCrypto(encodingAesKey, appId) : undefined,
      // One MsgId delivered to two instances runs the bot once: the claim and the answer are in Redis.
      replay: redis ? (ttlMs) => new RedisReplayGuard({ client: redis.client, keyPrefix: redis.keyPrefix, ttlMs, waitMs: replyTimeoutMs }) : undefined,
    };
    log.info({ safeMode: wechat.crypto !== undefined }, 'WeChat Official Account endpoint at /wechat');
  }

  const sweep = setInterval(
    () => {
      lowdb?.sweep().catch((err: unknown) => log.warn({ err }, 'state sweep failed'));
      wechatFileSessions?.sweep().catch((err: unknown) => log.warn({ err }, 'WeChat session sweep failed'));
      reviewLog.sweep().catch((err: unknown) => log.warn({ err }, 'review sweep failed'));
      conversations.sweep().catch((err: unknown) => log.warn({ err }, 'Direct Line sweep failed'));
    },
    Math.min(config.stateTtlMs, 60 * 60_000),
  );
  sweep.unref();

  if (config.staffTokenGenerated) {
    log.warn({ staffToken: config.staffToken }, 'STAFF_TOKEN is unset: generated a staff sign-in token for this process (set STAFF_TOKEN to keep one)');
  }
  // Staff sessions on disk: revocable by /staff/logout, and kept across a restart.
  // With REDIS_URL in Redis, so a sign-in made on one instance verifies on all of them.
  const staffSessions: StaffSessionStore = redis
    ? new RedisStaffSessionStore({ client: redis.client, keyPrefix: redis.keyPrefix })
    : new LowdbStaffSessionStore({ dir: path.join(config.dataDir, 'staff-sessions'), sessionMs: STAFF_SESSION_SECONDS * 1000, logger: log });
  const sessionSweep = setInterval(() => {
    staffSessions.sweep().catch((err: unknown) => log.warn({ err }, 'staff session sweep failed'));
  }, 60 * 60_000);
  sessionSweep.unref();
  // One rate budget per client across every instance with REDIS_URL (chat endpoints, WeChat users, failed staff sign-ins).
  const rateLimitStores = redis ? (await import('./redis/redisRateLimitStores.js')).redisRateLimitStores(redis.client, redis.keyPrefix) : undefined;
  const staffAuth = new StaffAuth({ token: config.staffToken, logger: log, sessions: staffSessions, sessionSeconds: STAFF_SESSION_SECONDS, rateLimitStores });

  const reindex = async (): Promise<{ learnedExamples: number }> => {
    const examples = await learned.byMatter();
    understanding.reindex(baseKnowledge.withExamples(examples));
    log.info({ learnedExamples: [...examples.values()].flat().length }, 'understanding re-indexed with the learned examples');
    return { learnedExamples: [...examples.values()].flat().length };
  };
  await reloads?.follow(reindex);

  const app = createApp({
    logger: log,
    staffAuth,
    web: {
      localesDir: config.localesDir,
      kioskIdleSeconds: config.kioskIdleSeconds,
      embedOrigins: config.widgetEmbedOrigins,
      production: config.nodeEnv === 'production',
    },
    knowledge,
    understanding,
    // the agent console's matter view: the chat's own checklist builder, renderer and QR text
    matterView: new MatterView(knowledge, services.checklists, services.renderer, new QrTextMaker(localizer)),
    messages: botFramework.handler,
    directLine: {
      adapter: directLine,
      store: conversations,
      tokens,
      logic: (context) => bot.run(context),
      streaming: true,
      // RATE_LIMIT_PER_MINUTE=0 (load tests) turns the poll limit off too.
      limits: { pollsPerSecond: config.rateLimitPerMinute === 0 ? 0 : config.directLine.pollsPerSecond },
    },
    memoryGuard: new MemoryGuard({ heapBudgetBytes: config.memoryBudget.heapBytes, rssBudgetBytes: config.memoryBudget.rssBytes, logger: log }).middleware(),
    wechat,
    rateLimitPerMinute: config.rateLimitPerMinute,
    rateLimitStores,
    // RATE_LIMIT_PER_MINUTE=0 (load tests) turns the CPU budget off too, like the poll limit.
    cpuBudget: new CpuBudget({ msPerMinute: config.rateLimitPerMinute === 0 ? 0 : config.cpuBudgetMsPerMinute }),
    trustProxy: config.trustProxy,
    // Redis away: chat turns get 503 + Retry-After at once, never a turn on local state.
    sharedStoreGuard: redis ? sharedStoreGuard(() => redis.client.status === 'ready') : undefined,
    // Not ready while Redis does not answer or while draining for a restart: the balancer sends the next person elsewhere.
    readiness: async () => {
      const checks: Record<string, string> = {};
      if (redis) checks.redis = (await redis.isReachable()) ? 'ok' : `unreachable: ${redis.lastError || 'no answer to PING'}`;
      if (shutdown.draining) checks.shutdown = 'draining';
      return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
    },
    admin: {
      knowledge,
      reviewLog,
      learned,
      report: reviewReport,
      reload: async () => {
        // every other instance re-indexes too, from the same shared examples
        return reloads ? reloads.announce(reindex) : reindex();
      },
    },
  });
  return {
    config,
    logger: log,
    storage,
    redis,
    knowledge,
    understanding,
    localizer,
    bot,
    wechat: wechatAdapter,
    app,
    shutdown,
    directLineStream,
    attach: (server) => directLineStream.attach(server),
    close: () => {
      void directLineStream.close();
      void conversations.close();
      clearInterval(sweep);
      clearInterval(sessionSweep);
      reviewReport.close();
      reloads?.close();
      bus?.close();
      redis?.client.disconnect();
    },
  };
}

export async function start(env: NodeJS.ProcessEnv = process.env, prebuilt?: Prebuilt): Promise<Server> {
  const started = performance.now();
  const service = await buildService(env, undefined, prebuilt);
  const { config, logger, knowledge } = service;
  return new Promise((resolve, reject) => {
    const server = service.app.listen(config.port, config.host ?? '0.0.0.0', () => {
      exitOnSignals(service.shutdown, logger);
      service.attach(server);
      logger.info(
        { port: config.port, matters: knowledge.matters.length, offices: knowledge.offices.length, ms: Math.round(performance.now() - started) },
        `listening on http://localhost:${config.port}`,
      );
      resolve(server);
    });
    server.on('error', reject);
    service.shutdown.attach(server);
    // After the drain: timers, the review worker and Redis (the turns that just finished still wrote to it).
    service.shutdown.onClose('service', () => service.close());
  });
}

/**
 * SIGTERM or SIGINT (a deploy, Ctrl-C): drain gracefully, then exit 0 (1 if something had to be
 * cut off at SHUTDOWN_TIMEOUT_SECONDS). A second signal exits at once.
 */
function exitOnSignals(shutdown: GracefulShutdown, logger: Logger): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    signalled = true;
    shutdown.shutdown(signal).then(
      ({ drained }) => process.exit(drained ? 0 : 1),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * `npm start`: starts the server, or says plainly why not and exits 1. The entry of the bundle (dist/server.mjs)
 * and of the start-up snapshot (dist/server.blob), which hands it prebuilt parts.
 */
export function main(prebuilt?: Prebuilt): void {
  start(process.env, prebuilt).catch((err: unknown) => {
    // The logger may not exist yet (bad config), so write the reason plainly and stop.
    process.stderr.write(`start-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) main();
