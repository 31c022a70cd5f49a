import { isIP } from 'node:net';

/** Why an activity's serviceUrl is refused, for the 403 the HTTP route answers. */
export type ServiceUrlVerdict = { ok: true } | { ok: false; code: 'anonymous_refused' | 'service_url_refused'; message: string };

export interface ServiceUrlPolicyOptions {
  /** true when MicrosoftAppId is set: CloudAdapter then checks every request's token */
  authenticated: boolean;
  /** anonymous activities are served at all (outside production, or BOT_ALLOW_ANONYMOUS=true) */
  anonymousAllowed: boolean;
  /** with credentials, the hosts replies may go to: exact names or `*.suffix` */
  hosts: readonly string[];
}

/**
 * Where /api/messages may send replies. The SDK posts every reply to the activity's own
 * serviceUrl, so whoever writes the activity picks the target: anonymous mode (no token to
 * check) only ever answers a loopback serviceUrl (the Emulator's), and with credentials only
 * https hosts on the allow-list (Azure's channel hosts by default). Checked twice: on the
 * incoming activity, so a refusal costs no outbound request, and on every outbound request.
 */
export class ServiceUrlPolicy {
  readonly #options: ServiceUrlPolicyOptions;

  constructor(options: ServiceUrlPolicyOptions) {
    this.#options = { ...options, hosts: options.hosts.map((h) => h.toLowerCase()) };
  }

  /** The verdict for an incoming activity's serviceUrl. */
  check(serviceUrl: string): ServiceUrlVerdict {
    const { authenticated, anonymousAllowed } = this.#options;
    if (!authenticated && !anonymousAllowed) {
      return {
        ok: false,
        code: 'anonymous_refused',
        message:
          'anonymous Bot Framework activities are refused in production: set MicrosoftAppId and MicrosoftAppPassword (Azure Bot Service), or BOT_ALLOW_ANONYMOUS=true for a loopback serviceUrl',
      };
    }
    let url: URL;
    try {
      url = new URL(serviceUrl);
    } catch {
      return { ok: false, code: 'service_url_refused', message: 'activity serviceUrl: must be an absolute http(s) URL' };
    }
    if (this.allows(url)) return { ok: true };
    return {
      ok: false,
      code: 'service_url_refused',
      message: authenticated
        ? `activity serviceUrl: replies go only to https hosts on BOT_SERVICE_URL_HOSTS, not ${url.host}`
        : `activity serviceUrl: without MicrosoftAppId replies go only to this machine (localhost, 127.0.0.1, [::1]), not ${url.host}`,
    };
  }

  /** Whether a request to `url` may be made (the outbound client asks before every call). */
  allows(url: URL): boolean {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (url.username !== '' || url.password !== '') return false;
    const host = url.hostname.toLowerCase();
    if (!this.#options.authenticated) return this.#options.anonymousAllowed && isLoopback(host);
    if (url.protocol === 'http:' && !isLoopback(host)) return false;
    return this.#options.hosts.some((pattern) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern));
  }
}

/** localhost and the loopback addresses, as the WHATWG URL parser normalises them (127.1 → 127.0.0.1, [::1]). */
function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(bare);
  return false;
}
