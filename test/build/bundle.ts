import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT_DIR } from '../../bot/config/config.js';
import { COMPILED_ENTRY, serverCommand } from '../support/serverProcess.js';

/** What `npm start` runs: dist/server.mjs, made by build/bundleServer.mjs from the tsc output. */
export const BUNDLE = path.join(ROOT_DIR, 'dist', 'server.mjs');

/** The tsc build first (serverCommand builds it when stale), then the bundle when it is older than that build. */
export async function ensureBundle(): Promise<string> {
  await serverCommand();
  const mtime = (file: string): Promise<number> =>
    stat(file).then(
      (s) => s.mtimeMs,
      () => 0,
    );
  if ((await mtime(BUNDLE)) < (await mtime(COMPILED_ENTRY))) {
    await promisify(execFile)(process.execPath, [path.join(ROOT_DIR, 'build', 'bundleServer.mjs')], { cwd: ROOT_DIR });
  }
  return BUNDLE;
}
