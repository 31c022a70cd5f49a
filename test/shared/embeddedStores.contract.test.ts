import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { LearnedExamples } from '../../bot/feedback/learnedExamples.js';
import { ReviewLog } from '../../bot/feedback/reviewLog.js';
import { LowdbStaffSessionStore } from '../../bot/server/lowdbStaffSessionStore.js';
import { LowdbWeChatSessions } from '../../bot/wechat/lowdbWeChatSessions.js';
import { ReplayGuard } from '../../bot/wechat/replayGuard.js';
import { WeChatSessions } from '../../bot/wechat/wechatSessions.js';
import { replayStoreContract } from './replayStoreContract.js';
import { reviewStoreContract } from './reviewStoreContract.js';
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

reviewStoreContract('ReviewLog and LearnedExamples (files)', async (now) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'review-contract-'));
  const one = { log: new ReviewLog({ dir: path.join(dir, 'review'), retentionMs: 30 * 86_400_000, now }), learned: new LearnedExamples(dir, now) };
  return { a: one, b: one, close: () => rm(dir, { recursive: true, force: true }) };
});

wechatSessionContract('LowdbWeChatSessions (files, kept across a restart)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'wechat-sessions-contract-'));
  // `other` is a new store on the same folder: the service after a restart
  const open = (): LowdbWeChatSessions => new LowdbWeChatSessions({ dir, ttlMs: 60_000, logger });
  return { store: open(), other: async () => open(), close: () => rm(dir, { recursive: true, force: true }) };
});
