import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../bot/config/config.js';
import { DirectLineTestClient } from '../support/liveService.js';
import { freePort } from '../support/loopback.js';
import { BUNDLE, ensureBundle } from './bundle.js';

const STAFF = 'bundled-test-staff-token-0123';

let child: ChildProcess | undefined;
let dataDir: string | undefined;
afterAll(async () => {
  child?.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Spawns the bundle and resolves on its "listening on" log line (it listens once everything is loaded). */
function startBundle(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [BUNDLE], {
    cwd: ROOT_DIR,
    env: { ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    // bounded by time: a saturated 2-core machine is slow to start anything
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the bundled server did not listen in 120 s: ${output}`));
    }, 120_000);
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (!output.includes('"msg":"listening on')) return;
      clearTimeout(timer);
      resolve(proc);
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bundled server exited (${code}): ${output}`));
    });
  });
}

describe('the bundled server (what npm start runs)', () => {
  it('npm start runs dist/server.mjs when there is no usable snapshot; npm ci and npm run build make both', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('sh build/start.sh');
    expect(await readFile(path.join(ROOT_DIR, 'build', 'start.sh'), 'utf8')).toContain('exec node "$root/dist/server.mjs"');
    for (const script of [pkg.scripts.build, pkg.scripts.prepare]) {
      expect(script).toContain('tsconfig.build.json');
      expect(script).toContain('build/bundleServer.mjs');
      expect(script).toContain('build/buildSnapshot.mjs');
    }
  });

  it('serves search, pages, the review worker and a whole conversation, choices by number included', { timeout: 420_000 }, async () => {
    await ensureBundle();
    // the two recognizers the assistant never runs are left out; the number recognizer (choices by number) is in
    const map = JSON.parse(await readFile(`${BUNDLE}.map`, 'utf8')) as { sources: string[] };
    expect(map.sources.filter((s) => /recognizers-text-(suite|date-time)\//.test(s))).toEqual([]);
    expect(map.sources.some((s) => s.includes('recognizers-text-number/'))).toBe(true);

    dataDir = await mkdtemp(path.join(tmpdir(), 'bundled-'));
    const port = await freePort();
    child = await startBundle(port, { DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '0', STAFF_TOKEN: STAFF });
    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });

    // knowledge/, locales/ and jieba's dictionary found from dist/server.mjs
    const search = (await (await fetch(`${base}/api/search?q=${encodeURIComponent('退休了去成都住，医保要备案吗')}`)).json()) as {
      matches: Array<{ no: number }>;
    };
    expect(search.matches[0]?.no).toBe(12);
    const page = await fetch(`${base}/kiosk`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');

    // ChoicePrompt reads "1" and "2" as the first and second option (recognizers-text-number, bundled)
    const dl = new DirectLineTestClient(base);
    const conv = await dl.open();
    const first = await dl.say(conv, '我要办异地安置退休人员备案');
    expect(first.at(-1)?.suggestedActions?.actions?.map((a: { title: string }) => a.title)).toEqual(['新办备案', '更改、暂停、恢复或终止备案']);
    const second = await dl.say(conv, '1');
    expect(second.at(-1)?.suggestedActions?.actions?.map((a: { title: string }) => a.title)).toEqual(['本人办理', '委托他人代办']);
    const checklist = await dl.say(conv, '2');
    expect(checklist.some((a) => (a.attachments?.length ?? 0) > 0)).toBe(true);

    // the review worker boots from dist/bot/feedback/reviewWorkerBoot.mjs beside the bundle
    const login = await fetch(`${base}/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ token: STAFF }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const review = await fetch(`${base}/api/admin/review?days=30&limit=5`, { headers: { cookie } });
    expect(review.status).toBe(200);
  });
});
