import type { ChildProcess } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../bot/config/config.js';
import { freePort } from '../support/loopback.js';
import { START_SCRIPT, startServerProcess } from '../support/serverProcess.js';

let child: ChildProcess | undefined;
let dataDir: string | undefined;
afterAll(async () => {
  child?.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the compiled build, as npm start runs it and the tests spawn it', () => {
  it('npm start runs the build with node, no transpiler (the snapshot or dist/server.mjs, bundled from dist/bot/: bundledServer.test.ts)', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // build/start.sh runs `node --snapshot-blob dist/server.blob` or `node dist/server.mjs` (snapshotServer.test.ts)
    expect(pkg.scripts.start).toBe('sh build/start.sh');
    expect(pkg.scripts.prepare).toContain('tsconfig.build.json');
  });

  it('starts from dist/ and serves health, search, the pages and the review worker', { timeout: 420_000 }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'compiled-'));
    const port = await freePort();
    child = await startServerProcess(port, { DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '0', STAFF_TOKEN: 'compiled-test-staff-token-0123' });
    expect(child.spawnargs).toEqual(['sh', START_SCRIPT]);
    const base = `http://127.0.0.1:${port}`;

    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    // knowledge/ and locales/ found from dist/, jieba segments Chinese
    const search = (await (await fetch(`${base}/api/search?q=${encodeURIComponent('退休了去成都住，医保要备案吗')}`)).json()) as {
      matches: Array<{ no: number }>;
    };
    expect(search.matches.length).toBeGreaterThan(0);
    // web/ and node_modules' Web Chat found from dist/
    const page = await fetch(`${base}/kiosk`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    // the review worker boots from dist/bot/feedback/reviewWorkerBoot.mjs without tsx
    const login = await fetch(`${base}/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ token: 'compiled-test-staff-token-0123' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const review = await fetch(`${base}/api/admin/review?days=30&limit=5`, { headers: { cookie } });
    expect(review.status).toBe(200);
    expect(await review.json()).toMatchObject({ total: 0, groups: [] });
  });
});
