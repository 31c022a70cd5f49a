// A/B of start-up (issue 15): time to GET /readyz 200, CPU and RSS once ready, for the bundle (node dist/server.mjs),
// the snapshot (node --snapshot-blob dist/server.blob), and the snapshot when the knowledge has changed since it was
// built (its prebuilt parts unused: what the modules alone give), in turn, N runs each: `node build/startAB.mjs [N]`.
// Figures only, never asserted; the load average is printed with them because this machine is shared.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIST, ROOT } from './bundleParts.mjs';

const RUNS = Number(process.argv[2] ?? 5);
const BLOB = ['--snapshot-blob', path.join(DIST, 'server.blob')];
// a copy of the knowledge with one matter's title changed
const changedKnowledge = await mkdtemp(path.join(tmpdir(), 'start-ab-knowledge-'));
await cp(path.join(ROOT, 'knowledge'), changedKnowledge, { recursive: true });
const matterFile = path.join(changedKnowledge, 'matters', '12.json');
const matter = JSON.parse(await readFile(matterFile, 'utf8'));
await writeFile(matterFile, JSON.stringify({ ...matter, title: `${matter.title}（改）` }, null, 2));
const VARIANTS = {
  bundle: { args: [path.join(DIST, 'server.mjs')], env: {} },
  snapshot: { args: BLOB, env: {} },
  'snapshot, knowledge changed': { args: BLOB, env: { KNOWLEDGE_DIR: changedKnowledge } },
};
// START_AB_BASELINE=name also measures dist/<name>.mjs and dist/<name>.blob (a copy of an earlier build kept in dist/,
// so that its paths relative to the bundle still hold), or, given an absolute path such as /tmp/old/dist/server, that
// build's <path>.mjs and <path>.blob (a git worktree of an earlier commit), interleaved with the others.
const baseline = process.env.START_AB_BASELINE;
// START_AB_BUNDLES=/a/dist/server.mjs,/b/dist/server.mjs measures only those ES module bundles, interleaved (no
// snapshot: each snapshot start costs a few seconds more and says nothing about the bundle's).
const bundles = process.env.START_AB_BUNDLES?.split(',').filter(Boolean);
if (bundles) for (const name of Object.keys(VARIANTS)) delete VARIANTS[name];
// START_AB_FLAGS='--max-semi-space-size=16' also measures each of them under those node flags (a V8 setting tried out)
const flags = process.env.START_AB_FLAGS?.split(' ').filter(Boolean) ?? [];
for (const file of bundles ?? []) {
  VARIANTS[file] = { args: [path.resolve(file)], env: {} };
  if (flags.length > 0) VARIANTS[`${flags.join(' ')} ${file}`] = { args: [...flags, path.resolve(file)], env: {} };
}
if (baseline && !bundles) {
  const prefix = path.isAbsolute(baseline) ? baseline : path.join(DIST, baseline);
  VARIANTS[`${baseline} bundle`] = { args: [`${prefix}.mjs`], env: {} };
  VARIANTS[`${baseline} snapshot`] = { args: ['--snapshot-blob', `${prefix}.blob`], env: {} };
}

async function once({ args, env }, port) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'start-ab-'));
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', STAFF_TOKEN: 'start-ab-staff-token-0123', ...env },
    stdio: 'ignore',
  });
  try {
    for (let i = 0; i < 3000; i++) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await sleep(10);
    }
    const ms = performance.now() - started;
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const rssMiB = Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
    // utime + stime, in clock ticks (100 a second on Linux): CPU spent to get ready, less sensitive to load than wall time
    const stat = (await readFile(`/proc/${child.pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    const cpuMs = (Number(stat[11]) + Number(stat[12])) * 10;
    return { ms, rssMiB, cpuMs };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', r)));
    await rm(dataDir, { recursive: true, force: true });
  }
}

const results = Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, []]));
const loads = [loadavg()[0]];
for (let i = 0; i < RUNS; i++) {
  for (const [name, args] of Object.entries(VARIANTS)) results[name].push(await once(args, 39_000 + i));
  loads.push(loadavg()[0]);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, runs] of Object.entries(results)) {
  const ms = runs.map((r) => Math.round(r.ms));
  const rss = runs.map((r) => Math.round(r.rssMiB));
  const cpu = runs.map((r) => r.cpuMs);
  console.log(
    `${name}: ready ${ms.join(', ')} ms (median ${median(ms)}); CPU ${cpu.join(', ')} ms (median ${median(cpu)}); RSS ${rss.join(', ')} MiB (median ${median(rss)})`,
  );
}
console.log(`load average (1 min) during the runs: ${loads.map((l) => l.toFixed(1)).join(', ')}; ${new Date().toISOString()}`);
await rm(changedKnowledge, { recursive: true, force: true });
