// A/B of start-up (issue 15): time to GET /readyz 200, CPU and RSS once ready, for the bundle (node dist/server.mjs) and
// the snapshot (node --snapshot-blob dist/server.blob), alternating, N runs each: `node build/startAB.mjs [N]`.
// Figures only, never asserted; the load average is printed with them because this machine is shared.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIST, ROOT } from './bundleParts.mjs';

const RUNS = Number(process.argv[2] ?? 5);
const VARIANTS = {
  bundle: [path.join(DIST, 'server.mjs')],
  snapshot: ['--snapshot-blob', path.join(DIST, 'server.blob')],
};

async function once(args, port) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'start-ab-'));
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', STAFF_TOKEN: 'start-ab-staff-token-0123' },
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
