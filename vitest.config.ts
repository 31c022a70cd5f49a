import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { INSTALL_HINT, missingForBrowserTests, missingForRedisTests, REDIS_INSTALL_HINT } from './test/support/prerequisites.js';

/** Fast tests of one module each, with no server, browser or child process: `npm run test:unit`. */
const UNIT = [
  'test/answers/**/*.test.ts',
  'test/dialogs/**/*.test.ts',
  'test/evaluation/**/*.test.ts',
  'test/i18n/**/*.test.ts',
  'test/understanding/**/*.test.ts',
  'test/bot/turnErrorHandler.test.ts',
  'test/directline/conversationStore.test.ts',
  'test/directline/directLineAdapter.test.ts',
  'test/directline/tokenService.test.ts',
  'test/feedback/reviewLog.test.ts',
  'test/knowledge/tibetanStrings.test.ts',
  'test/privacy/piiMasker.test.ts',
  'test/wechat/replayGuard.test.ts',
  'test/wechat/wechatCrypto.test.ts',
  'test/wechat/wechatReply.test.ts',
  'test/wechat/wechatXml.test.ts',
];
/** Real Chromium against the real server. */
const BROWSER = ['test/web/**/*.test.ts'];
/** Each file starts its own redis-server on a free port (test/support/redisServer.ts). */
const REDIS = ['test/**/*.redis.test.ts'];

// A newcomer without Chromium is told in one line what to install; CI must not pass by skipping.
const missing = missingForBrowserTests();
if (missing.length > 0) {
  const line = `browser tests need ${missing.join(', ')}: ${INSTALL_HINT}`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${line}`);
  process.stderr.write(`\nSkipping the browser tests — ${line}\n\n`);
}

const browserProject: TestProjectInlineConfiguration = { extends: true, test: { name: 'browser', include: BROWSER } };

// Redis tests are their own project so a machine without redis-server skips them alone, and says why.
const missingRedis = missingForRedisTests();
if (missingRedis.length > 0) {
  const line = `Redis tests need ${missingRedis.join(', ')}: ${REDIS_INSTALL_HINT}`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${line}`);
  process.stderr.write(`\nSkipping the Redis tests — ${line}\n\n`);
}
const redisProject: TestProjectInlineConfiguration = { extends: true, test: { name: 'redis', include: REDIS } };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // nodejieba keeps one dictionary per process; forks give each file its own.
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      // Everything else that is not a browser test: the server over real HTTP, child processes, files.
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: [...UNIT, ...BROWSER, ...REDIS] } },
      ...(missing.length === 0 ? [browserProject] : []),
      ...(missingRedis.length === 0 ? [redisProject] : []),
    ],
  },
});
