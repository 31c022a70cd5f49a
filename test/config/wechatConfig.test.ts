import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { ConfigError } from '../../bot/errors/configError.js';
import { buildService } from '../../bot/index.js';
import { createLogger } from '../../bot/logging/logger.js';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const refusal = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('WeChat configuration', () => {
  it('is all optional, with a reply deadline under WeChat’s 5 s', () => {
    const c = loadConfig({}).wechat;
    expect(c).toEqual({
      token: undefined,
      appId: undefined,
      encodingAesKey: undefined,
      appSecret: undefined,
      apiBase: 'https://api.weixin.qq.com',
      replyTimeoutMs: 4500,
    });
  });

  it('takes a complete safe-mode setting', () => {
    const c = loadConfig({ WECHAT_TOKEN: 'tok123', WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_ENCODING_AES_KEY: KEY, WECHAT_REPLY_TIMEOUT_MS: '100' }).wechat;
    expect(c).toMatchObject({ token: 'tok123', appId: 'wx1234567890abcdef', encodingAesKey: KEY, replyTimeoutMs: 100 });
  });

  it.each([
    [
      'a key that is not 43 characters',
      { WECHAT_TOKEN: 'tok123', WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_ENCODING_AES_KEY: KEY.slice(1) },
      /WECHAT_ENCODING_AES_KEY/,
    ],
    ['a key without an AppID', { WECHAT_TOKEN: 'tok123', WECHAT_ENCODING_AES_KEY: KEY }, /WECHAT_APP_ID/],
    ['a key without a token', { WECHAT_APP_ID: 'wx1234567890abcdef', WECHAT_ENCODING_AES_KEY: KEY }, /WECHAT_TOKEN/],
    ['a token with symbols', { WECHAT_TOKEN: 'tok en!' }, /WECHAT_TOKEN/],
    ['an AppID of another shape', { WECHAT_APP_ID: 'app-1' }, /WECHAT_APP_ID/],
    ['a deadline WeChat would not wait for', { WECHAT_REPLY_TIMEOUT_MS: '6000' }, /WECHAT_REPLY_TIMEOUT_MS/],
  ])('refuses %s, naming the variable', (_name, env, variable) => {
    expect(refusal(env)).toMatch(variable);
  });

  it('mounts /wechat only when WECHAT_TOKEN is set', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'wechat-config-'));
    const service = await buildService({ NODE_ENV: 'test', DATA_DIR: dataDir }, createLogger('silent'));
    expect(service.wechat).toBeUndefined();
    const server = service.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat?signature=a&timestamp=1&nonce=2&echostr=x`);
      expect(res.status).toBe(404);
    } finally {
      service.close();
      await new Promise<void>((r) => server.close(() => r()));
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
