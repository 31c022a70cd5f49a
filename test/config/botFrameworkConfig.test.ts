import { describe, expect, it } from 'vitest';
import { ServiceUrlPolicy } from '../../bot/channels/serviceUrlPolicy.js';
import { loadConfig } from '../../bot/config/config.js';
import { ConfigError } from '../../bot/errors/configError.js';

const PRODUCTION = { NODE_ENV: 'production', STAFF_TOKEN: 'staff-token-for-tests-0123456789' };
const refusal = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('Bot Framework configuration (/api/messages)', () => {
  it("anonymous is allowed in development, refused in production unless BOT_ALLOW_ANONYMOUS=true; Azure's hosts and a 5 s timeout by default", () => {
    expect(loadConfig({}).botFramework).toEqual({
      anonymousAllowed: true,
      serviceUrlHosts: ['*.botframework.com', '*.botframework.azure.us', 'smba.trafficmanager.net'],
      outboundTimeoutMs: 5000,
    });
    expect(loadConfig(PRODUCTION).botFramework.anonymousAllowed).toBe(false);
    expect(loadConfig({ ...PRODUCTION, BOT_ALLOW_ANONYMOUS: 'true' }).botFramework.anonymousAllowed).toBe(true);
    expect(loadConfig({ BOT_ALLOW_ANONYMOUS: 'false' }).botFramework.anonymousAllowed).toBe(false);
  });

  it('reads a host list and a timeout, and refuses what is not one', () => {
    const c = loadConfig({ BOT_SERVICE_URL_HOSTS: ' Europe.WebChat.BotFramework.com , *.example.org', BOT_OUTBOUND_TIMEOUT_MS: '2500' }).botFramework;
    expect(c.serviceUrlHosts).toEqual(['europe.webchat.botframework.com', '*.example.org']);
    expect(c.outboundTimeoutMs).toBe(2500);
    expect(refusal({ BOT_SERVICE_URL_HOSTS: 'https://smba.trafficmanager.net/amer/' })).toMatch(/BOT_SERVICE_URL_HOSTS/);
    expect(refusal({ BOT_SERVICE_URL_HOSTS: '*' })).toMatch(/BOT_SERVICE_URL_HOSTS/);
    expect(refusal({ BOT_ALLOW_ANONYMOUS: 'yes' })).toMatch(/BOT_ALLOW_ANONYMOUS/);
    expect(refusal({ BOT_OUTBOUND_TIMEOUT_MS: '0' })).toMatch(/BOT_OUTBOUND_TIMEOUT_MS/);
  });
});

describe('ServiceUrlPolicy', () => {
  const withCredentials = new ServiceUrlPolicy({ authenticated: true, anonymousAllowed: false, hosts: ['*.botframework.com', 'smba.trafficmanager.net'] });
  const anonymous = new ServiceUrlPolicy({ authenticated: false, anonymousAllowed: true, hosts: ['*.botframework.com'] });

  it.each([
    ['https://webchat.botframework.com/', true],
    ['https://europe.webchat.botframework.com/', true],
    ['https://smba.trafficmanager.net/amer/', true],
    ['https://SMBA.TrafficManager.net/apac/', true],
    ['http://webchat.botframework.com/', false],
    ['https://botframework.com.evil.example/', false],
    ['https://evilbotframework.com/', false],
    ['https://smba.trafficmanager.net.evil.example/', false],
    ['https://user:pw@webchat.botframework.com/', false],
    ['http://127.0.0.1:3979/', false],
  ])('with credentials, %s → %s', (url, allowed) => {
    expect(withCredentials.check(url).ok).toBe(allowed);
  });

  it.each([
    ['http://localhost:59000/', true],
    ['http://127.0.0.1:9/', true],
    ['http://127.1/', true],
    ['http://[::1]:8080/', true],
    ['http://[::ffff:127.0.0.1]/', true],
    ['http://0x7f000001/', true],
    ['https://webchat.botframework.com/', false],
    ['http://169.254.169.254/', false],
    ['http://[::ffff:a9fe:a9fe]/', false],
    ['http://0.0.0.0/', false],
    ['http://localhost.evil.example/', false],
    ['gopher://127.0.0.1/', false],
  ])('anonymous, %s → %s', (url, allowed) => {
    expect(anonymous.check(url).ok).toBe(allowed);
  });

  it('refuses everything anonymous when anonymous is not allowed, saying how to configure it', () => {
    const refused = new ServiceUrlPolicy({ authenticated: false, anonymousAllowed: false, hosts: [] }).check('http://127.0.0.1:9/');
    expect(refused).toMatchObject({ ok: false, code: 'anonymous_refused' });
    expect(!refused.ok && refused.message).toMatch(/MicrosoftAppId.*BOT_ALLOW_ANONYMOUS/);
  });
});
