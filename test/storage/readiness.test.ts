import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLiveService, type LiveService } from '../support/liveService.js';

let live: LiveService;
beforeAll(async () => {
  live = await startLiveService({}, 'warn');
}, 120_000);
afterAll(async () => {
  await live?.close();
});

it('embedded mode (no REDIS_URL) is always ready, keeps state in DATA_DIR/state and has no Redis connection', async () => {
  const res = await fetch(`${live.base}/readyz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ready', checks: {} });
  expect(live.service.redis).toBeUndefined();
  expect(live.service.storage.constructor.name).toBe('LowdbStorage');
});
