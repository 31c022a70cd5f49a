import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { LowdbStaffSessionStore } from '../../bot/server/lowdbStaffSessionStore.js';
import { ReplayGuard } from '../../bot/wechat/replayGuard.js';
import { WeChatSessions } from '../../bot/wechat/wechatSessions.js';
import { replayStoreContract } from './replayStoreContract.js';
import { staffSessionContract } from './staffSessionContract.js';
import { wechatSessionContract } from './wechatSessionContract.js';

// The embedded drivers (one instance): files under a fresh folder, or this process's memory.
const logger = pino({ level: 'silent' });

staffSessionContract('LowdbStaffSessionStore (files)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'staff-contract-'));
  const open = (): LowdbStaffSessionStore => new LowdbStaffSessionStore({ dir, sessionMs: 12 * 3600_000, logger });
  return { store: open(), other: async () => open(), close: () => rm(dir, { recursive: true, force: true }) };
});

replayStoreContract('ReplayGuard (in process)', async () => {
  const guard = new ReplayGuard<string>(60_000);
  return { a: guard, b: guard, close: async () => undefined };
});

wechatSessionContract('WeChatSessions (in process)', async () => {
  const store = new WeChatSessions(60_000);
  return { store, other: async () => store, close: async () => undefined };
});
