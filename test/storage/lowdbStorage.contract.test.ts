import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LowdbStorage } from '../../bot/storage/lowdbStorage.js';
import { storageContract } from './storageContract.js';

// The embedded driver: real files in a fresh folder, an injected clock for expiry.
storageContract('LowdbStorage', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'storage-contract-'));
  let clock = Date.now();
  const ttlMs = 60_000;
  const storage = new LowdbStorage({ dir, ttlMs, now: () => clock });
  return {
    ttlMs,
    client: async () => storage,
    age: async (_key, ms) => {
      clock += ms;
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
});
