import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { startLiveService, type LiveService } from '../support/liveService.js';

let live: LiveService;
beforeAll(async () => {
  live = await startLiveService({}, 'warn');
});
afterAll(() => live.close());

/** fetch() would decode: read the raw headers and length with node:http. */
function raw(path: string): Promise<{ status: number; encoding: string | undefined; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${live.base}${path}`, { headers: { 'accept-encoding': 'gzip, br' } }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: res.headers['content-encoding'], bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('compression of dynamic answers', () => {
  it('leaves a search answer (small JSON) as it is', async () => {
    const res = await raw(`/api/search?q=${encodeURIComponent('住院费用怎么报销')}`);
    expect(res.status).toBe(200);
    expect(res.bytes).toBeLessThan(8 * 1024);
    expect(res.encoding).toBeUndefined();
  });

  it('still compresses a large JSON answer', async () => {
    const res = await raw('/api/matters/12');
    expect(res.status).toBe(200);
    expect(res.encoding).toMatch(/^(gzip|br)$/);
  });
});
