import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { z } from 'zod';

/**
 * A lowdb adapter like lowdb's own `JSONFile`, but whose `write` is durable as well as atomic.
 *
 * Why not `JSONFile`: it writes through steno 4, which does `writeFile(tmp)` then `rename(tmp,
 * file)` with no fsync at all. The rename makes a crash of *our process* safe, but after an OS
 * crash or power cut the rename can reach the disk before the data does (ext4/xfs delayed
 * allocation), leaving an empty or truncated file — and the rename itself can be lost because
 * the directory was never synced, silently dropping a write we had acknowledged. steno also uses
 * one fixed temp name per target (`.file.json.tmp`), so two writers (two Writer instances, or
 * two processes on one DATA_DIR) can interleave inside the same temp file.
 *
 * Here: write a uniquely named temp file in the target's directory, fsync it, rename it over the
 * target (atomic on POSIX), then fsync the directory so the rename itself is on disk before
 * `write` resolves. Readers therefore see either the old or the new file, never a mix, and a
 * write that resolved survives a crash. Leftover temp files (from a kill between open and rename)
 * are named `.<target>.<pid>.<random>.tmp` and are removed by `LowdbStorage.sweep()`.
 *
 * `read` returns null only when the file does not exist; invalid JSON throws SyntaxError and
 * anything `parse` rejects throws whatever `parse` throws — never a silent empty result.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  constructor(
    readonly filename: string,
    private readonly parse: (value: unknown) => T,
    private readonly stringify: (data: T) => string = (data) => `${JSON.stringify(data, null, 2)}\n`,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.filename, 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return null;
      throw err;
    }
    return this.parse(JSON.parse(text) as unknown);
  }

  async write(data: T): Promise<void> {
    await this.#write(data, false);
  }

  /** `write`, and the file's identity as written (inode, size, mtime: a rename keeps them), for a cache to check against. */
  async writeAndStat(data: T): Promise<Stats> {
    return (await this.#write(data, true))!;
  }

  async #write(data: T, wantStats: boolean): Promise<Stats | undefined> {
    const text = this.stringify(data);
    const dir = path.dirname(this.filename);
    const temp = path.join(dir, `.${path.basename(this.filename)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await openCreatingDirs(temp);
    let stats: Stats | undefined;
    try {
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
        if (wantStats) stats = await handle.stat();
      } finally {
        await handle.close();
      }
      await rename(temp, this.filename);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await fsyncDir(dir);
    return stats;
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

/** Makes a directory's entries (created, renamed, removed files) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals the metadata itself.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Opens `file` exclusively for writing; creates missing parent folders durably on first use. */
async function openCreatingDirs(file: string): Promise<import('node:fs/promises').FileHandle> {
  try {
    return await open(file, 'wx');
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  const dir = path.dirname(file);
  const first = await mkdir(dir, { recursive: true });
  if (first !== undefined) {
    // Each newly created folder's entry lives in its parent: sync the parents, top down.
    const parents: string[] = [];
    for (let d = dir; ; d = path.dirname(d)) {
      parents.unshift(path.dirname(d));
      if (d === first || d === path.dirname(d)) break;
    }
    for (const parent of parents) await fsyncDir(parent);
  }
  return open(file, 'wx');
}

/**
 * Keeps a byte-for-byte copy of a broken file as `<file>.corrupt-<timestamp>` and returns its
 * path. Reading the same broken file again reuses an identical copy instead of piling up more.
 */
export async function keepCorruptCopy(file: string): Promise<string> {
  const content = await readFile(file);
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.corrupt-`;
  for (const name of (await readdir(dir)).filter((n) => n.startsWith(prefix)).sort()) {
    const existing = path.join(dir, name);
    if ((await readFile(existing)).equals(content)) return existing;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (let n = 0; ; n++) {
    const target = path.join(dir, `${prefix}${stamp}${n === 0 ? '' : `-${n}`}`);
    let handle;
    try {
      handle = await open(target, 'wx');
    } catch (err) {
      if (isErrno(err, 'EEXIST')) continue;
      throw err;
    }
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsyncDir(dir);
    return target;
  }
}

/** A read that failed because the file is broken (not JSON, or not in its schema) rather than unreadable. */
export function isCorruption(err: unknown): err is SyntaxError | z.ZodError {
  return err instanceof SyntaxError || err instanceof z.ZodError;
}

/** Why a broken file was refused, for the typed error: its schema's first `maxIssues` complaints, or the JSON error. */
export function describeCorruption(err: unknown, expected: string, maxIssues = Number.POSITIVE_INFINITY): string {
  if (err instanceof z.ZodError) {
    return `${expected}: ${err.issues
      .slice(0, maxIssues)
      .map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`)
      .join('; ')}`;
  }
  return `invalid JSON: ${err instanceof Error ? err.message : String(err)}`;
}

/** A folder's entries; none when the folder does not exist yet. */
export async function readdirIfExists(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}
