import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryStorage } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../bot/storage/keyedMutex.js';
import { LowdbStorage } from '../../bot/storage/lowdbStorage.js';
import { TurnLockMiddleware } from '../../bot/storage/turnLockMiddleware.js';
import { concurrentCounterTurns } from './turnLockScenario.js';

describe('TurnLockMiddleware in process', () => {
  it('without it, concurrent turns of one conversation overwrite each other (the SDK saves with eTag "*")', async () => {
    const storage = new MemoryStorage();
    expect(await concurrentCounterTurns([{ storage }], 10)).toBeLessThan(10);
  });

  it('with it, 20 concurrent turns of one conversation on lowdb files all count', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'turn-lock-'));
    try {
      const storage = new LowdbStorage({ dir });
      const middleware = new TurnLockMiddleware(new KeyedMutex());
      expect(await concurrentCounterTurns([{ storage, middleware }], 20)).toBe(20);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
