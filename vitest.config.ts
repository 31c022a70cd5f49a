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
  'test/knowledge/sharedKnowledge.test.ts',
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

/**
 * A project that needs something from the machine: without it a newcomer is told in one line what
 * to install and only that project is skipped; under CI=true the run fails instead of passing by skipping.
 */
function needing(name: string, include: string[], missing: string[], hint: string): TestProjectInlineConfiguration[] {
  if (missing.length === 0) return [{ extends: true, test: { name, include } }];
  const line = `${name} tests need ${missing.join(', ')}: ${hint}`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${line}`);
  // vitest evaluates this file once per project: say it once.
  const said = ((globalThis as { __prerequisiteHints?: Set<string> }).__prerequisiteHints ??= new Set());
  if (!said.has(line)) process.stderr.write(`\nSkipping the ${name} tests — ${line}\n\n`);
  said.add(line);
  return [];
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // nodejieba keeps one dictionary per process; forks give each file its own.
    pool: 'forks',
    projects: [
      // One process runs every unit file in turn without isolation, so the knowledge and the understanding
      // pipeline are built once (test/support/services.ts) instead of once per file in a fresh fork.
      // They share nodejieba's dictionary too: every Understanding adds its knowledge's words, and no unit
      // test needs a word absent. vitest runs singleFork projects after the others, in that same pool.
      { extends: true, test: { name: 'unit', include: UNIT, poolOptions: { forks: { singleFork: true, isolate: false } } } },
      // Everything else that is not a browser test: the server over real HTTP, child processes, files.
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: [...UNIT, ...BROWSER, ...REDIS] } },
      ...needing('browser', BROWSER, missingForBrowserTests(), INSTALL_HINT),
      // Redis tests are their own project so a machine without redis-server skips them alone.
      ...needing('redis', REDIS, missingForRedisTests(), REDIS_INSTALL_HINT),
    ],
  },
});
