import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReviewLog } from '../../bot/feedback/reviewLog.js';
import { buildService } from '../../bot/index.js';
import { createLogger } from '../../bot/logging/logger.js';
import { LowdbStorage } from '../../bot/storage/lowdbStorage.js';

const DAY = 86_400_000;

describe('RETENTION_DAYS', () => {
  it('caps how long conversations are kept, and start-up sweeps review days older than it', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'retention-'));
    try {
      // Review days written "40 and 2 days ago" with an injected clock.
      const written = Date.now();
      for (const ago of [40, 2])
        await new ReviewLog({ dir: path.join(dataDir, 'review'), retentionMs: 365 * DAY, now: () => written - ago * DAY }).append({
          kind: 'gap',
          reason: 'none',
          question: `${ago} days ago`,
          channel: 'directline',
          conversationId: 'c',
          lang: 'zh-CN',
        });
      expect(await readdir(path.join(dataDir, 'review'))).toHaveLength(2);

      const service = await buildService(
        { NODE_ENV: 'test', DATA_DIR: dataDir, STAFF_TOKEN: 'retention-test-token-01', RETENTION_DAYS: '30', STATE_TTL_MINUTES: String(90 * 24 * 60) },
        createLogger('silent'),
      );
      service.close();
      expect((service.storage as LowdbStorage).ttlMs).toBe(30 * DAY);
      const left = await new ReviewLog({ dir: path.join(dataDir, 'review'), retentionMs: 30 * DAY }).events(60);
      expect(left.map((e) => e.question)).toEqual(['2 days ago']);

      const shortTtl = await buildService(
        { NODE_ENV: 'test', DATA_DIR: dataDir, STAFF_TOKEN: 'retention-test-token-01', RETENTION_DAYS: '30', STATE_TTL_MINUTES: '60' },
        createLogger('silent'),
      );
      shortTtl.close();
      expect((shortTtl.storage as LowdbStorage).ttlMs).toBe(60 * 60_000);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
