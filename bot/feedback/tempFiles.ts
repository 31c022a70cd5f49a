import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { readdirIfExists } from '../storage/durableJsonFile.js';

/** DurableJsonFile's temp names: `.<target>.<pid>.<random>.tmp`. */
const TEMP_FILE = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/;

/**
 * Removes the temp files a killed writer left in `dir`: those older than `staleMs`, and those of a
 * process that is no longer running (so a crash just before a restart is cleaned up at once). A
 * temp file of a live process younger than `staleMs` may be a write in progress and stays.
 */
export async function sweepTempFiles(dir: string, staleMs: number): Promise<number> {
  let removed = 0;
  for (const name of await readdirIfExists(dir)) {
    const match = TEMP_FILE.exec(name);
    if (!match) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (!info) continue;
    const pid = Number(match[1]);
    if (Date.now() - info.mtimeMs > staleMs || (pid !== process.pid && !isRunning(pid))) {
      await rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
