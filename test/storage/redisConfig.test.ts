import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { ConfigError } from '../../bot/errors/configError.js';

describe('REDIS_URL and REDIS_KEY_PREFIX', () => {
  it('leaves Redis off by default, and for an empty REDIS_URL=', () => {
    expect(loadConfig({}).redis).toBeUndefined();
    expect(loadConfig({ REDIS_URL: '  ' }).redis).toBeUndefined();
  });

  it('takes a redis:// or rediss:// URL, with the default prefix "yibao:" or the one given', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/0' }).redis).toEqual({ url: 'redis://127.0.0.1:6379/0', keyPrefix: 'yibao:', resyncMs: 60_000 });
    expect(loadConfig({ REDIS_URL: 'rediss://:pw@redis.internal:6380', REDIS_KEY_PREFIX: 'yibao-staging:' }).redis).toEqual({
      url: 'rediss://:pw@redis.internal:6380',
      keyPrefix: 'yibao-staging:',
      resyncMs: 60_000,
    });
    expect(loadConfig({ REDIS_URL: 'redis://h:1', REDIS_KEY_PREFIX: '' }).redis?.keyPrefix).toBe('');
  });

  it('reads REDIS_RESYNC_SECONDS (how often an instance checks for a reload it missed) in whole seconds', () => {
    expect(loadConfig({ REDIS_URL: 'redis://h:1', REDIS_RESYNC_SECONDS: '5' }).redis?.resyncMs).toBe(5000);
  });

  it.each([
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_URL', '127.0.0.1:6379'],
    ['REDIS_URL', 'redis://host name'],
    ['REDIS_KEY_PREFIX', 'has space'],
    ['REDIS_KEY_PREFIX', 'x'.repeat(65)],
    ['REDIS_RESYNC_SECONDS', '0'],
    ['REDIS_RESYNC_SECONDS', '1.5'],
    ['REDIS_RESYNC_SECONDS', 'soon'],
    ['REDIS_RESYNC_SECONDS', '86401'],
  ])('stops start-up on a bad %s (%s), naming the variable', (variable, value) => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379', [variable]: value };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });
});
