import { KeyedMutex } from '../../bot/storage/keyedMutex.js';
import { keyedLockContract } from './keyedLockContract.js';

// The embedded driver: one process, so every "client" is the one lock.
keyedLockContract('KeyedMutex (in process)', async () => {
  const lock = new KeyedMutex();
  return { client: async () => lock, close: async () => undefined };
});
