import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ROOT_DIR } from '../../bot/config/config.js';

/** tsc's output for the server's entry, the input of the bundle (and what the bench compares the bundle with). */
export const COMPILED_ENTRY = path.join(ROOT_DIR, 'dist', 'bot', 'index.js');
/** The tsc output bundled into one file by build/bundleServer.mjs: what `npm start` runs (unless SERVER_SNAPSHOT=1 and the snapshot is usable). */
export const SERVER_ENTRY = path.join(ROOT_DIR, 'dist', 'server.mjs');
/** The V8 start-up snapshot of the server (build/buildSnapshot.mjs): what `npm start` runs with SERVER_SNAPSHOT=1 when it is usable. */
export const SNAPSHOT_BLOB = path.join(ROOT_DIR, 'dist', 'server.blob');
/** `npm start` itself: picks the snapshot or the bundle (see the script), then execs node, so the child is the server. */
export const START_SCRIPT = path.join(ROOT_DIR, 'build', 'start.sh');
const SOURCES = ['bot', 'dialogs'].map((d) => path.join(ROOT_DIR, d));
/** what the snapshot's prebuilt understanding is made of (build/start.sh checks the same two) */
const SNAPSHOT_DATA = [path.join(ROOT_DIR, 'knowledge'), path.join(ROOT_DIR, 'bot', 'understanding', 'jieba')];
const BUILD_LOCK = path.join(ROOT_DIR, 'dist.build-lock');

export interface ServerCommand {
  command: string;
  args: string[];
  cwd: string;
}

/**
 * The production server exactly as `npm start` runs it (`sh build/start.sh`: the bundle, or the start-up snapshot
 * with SERVER_SNAPSHOT=1; no transpiler), built first when dist/ is missing or older than a source file. Spawn it with the env
 * you need: `const { command, args, cwd } = await serverCommand(); spawn(command, args, { cwd, env })`.
 * `{ bundled: false }` gives tsc's unbundled output under this node instead (the bench's A/B).
 */
export async function serverCommand(options: { bundled?: boolean } = {}): Promise<ServerCommand> {
  await ensureBuilt();
  if (options.bundled === false) return { command: process.execPath, args: [COMPILED_ENTRY], cwd: ROOT_DIR };
  return { command: 'sh', args: [START_SCRIPT], cwd: ROOT_DIR };
}

/** Spawns the compiled server on 127.0.0.1:port and resolves once /healthz answers 200. */
export async function startServerProcess(port: number, env: Record<string, string>, timeoutMs = 120_000): Promise<ChildProcess> {
  const { command, args, cwd } = await serverCommand();
  const proc = spawn(command, args, {
    cwd,
    env: { ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // Bounded by time: a loaded 2-core machine is slow to start anything.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`the server exited (${proc.exitCode}): ${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return proc;
    await sleep(50);
  }
  proc.kill('SIGKILL');
  throw new Error(`the server did not become healthy in ${timeoutMs} ms: ${stderr}`);
}

async function newestSourceMtime(dir: string, names = /\.(ts|mjs)$/): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSourceMtime(full, names));
    else if (names.test(entry.name)) newest = Math.max(newest, (await stat(full)).mtimeMs);
  }
  return newest;
}

const mtimeOf = (file: string): Promise<number> =>
  stat(file).then(
    (s) => s.mtimeMs,
    () => 0,
  );

async function isFresh(): Promise<boolean> {
  const [compiled, bundled, snapshot, stamp] = await Promise.all([
    mtimeOf(COMPILED_ENTRY),
    mtimeOf(SERVER_ENTRY),
    mtimeOf(SNAPSHOT_BLOB),
    mtimeOf(`${SNAPSHOT_BLOB}.stamp`),
  ]);
  if (compiled === 0 || bundled < compiled || snapshot < bundled || stamp === 0) return false;
  const sources = await Promise.all(SOURCES.map((dir) => newestSourceMtime(dir)));
  // the snapshot holds the knowledge as built: build/start.sh runs the bundle once a file of it is newer
  const data = await Promise.all(SNAPSHOT_DATA.map((dir) => newestSourceMtime(dir, /./)));
  return compiled >= Math.max(...sources) && snapshot >= Math.max(...data);
}

/** `npm run build` (tsc, the bundle, then the snapshot) once, however many test files ask at the same time (a mkdir lock). */
async function ensureBuilt(): Promise<void> {
  if (await isFresh()) return;
  const deadline = Date.now() + 300_000;
  for (;;) {
    const locked = await mkdir(BUILD_LOCK).then(
      () => true,
      () => false,
    );
    if (locked) break;
    // a lock older than any build (tsc, bundle and snapshot: 18 s at load 3, minutes on a saturated machine) was left by a killed run
    const age = await stat(BUILD_LOCK).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > 240_000) await rmdir(BUILD_LOCK).catch(() => undefined);
    if (Date.now() > deadline) throw new Error(`${BUILD_LOCK} held for 5 minutes: remove it if no build runs`);
    await sleep(200);
  }
  try {
    if (await isFresh()) return;
    const run = promisify(execFile);
    const tsc = path.join(ROOT_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', path.join(ROOT_DIR, 'tsconfig.build.json')], { cwd: ROOT_DIR });
    await run(process.execPath, [path.join(ROOT_DIR, 'build', 'bundleServer.mjs')], { cwd: ROOT_DIR });
    await run(process.execPath, [path.join(ROOT_DIR, 'build', 'buildSnapshot.mjs')], { cwd: ROOT_DIR, maxBuffer: 16 * 1024 * 1024 });
  } finally {
    await rmdir(BUILD_LOCK);
  }
}
