import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** What the browser tests need from the machine, and the one line that says how to get it. */
export const INSTALL_HINT = 'apt-get install chromium fonts-noto-cjk (or set CHROMIUM_PATH=/path/to/chromium)';

/** Debian's Chromium unless CHROMIUM_PATH names another build; playwright never downloads its own. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

function askFontconfig(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

/** vitest evaluates its config once per project, all in one process: fc-list is asked once. */
function hasCjkFont(): boolean {
  const cache = globalThis as { __hasCjkFont?: boolean };
  cache.__hasCjkFont ??= askFontconfig();
  return cache.__hasCjkFont;
}

/** The missing pieces, by name: empty when the machine has everything. */
export function missingForBrowserTests(): string[] {
  if (!existsSync(chromiumPath())) return [`chromium (${chromiumPath()})`];
  return hasCjkFont() ? [] : ['fonts-noto-cjk'];
}

/** What the Redis tests need, and the one line that says how to get it. */
export const REDIS_INSTALL_HINT = 'apt-get install redis-server (or set REDIS_SERVER_PATH=/path/to/redis-server)';

/** Debian's redis-server unless REDIS_SERVER_PATH names another build; the tests start their own. */
export function redisServerPath(): string {
  return process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
}

/** Empty when redis-server is there; else what is missing, by name. */
export function missingForRedisTests(): string[] {
  return existsSync(redisServerPath()) ? [] : [`redis-server (${redisServerPath()})`];
}
