import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { OutboundCallError } from './outboundCallError.js';
import type { ServiceUrlPolicy } from './serviceUrlPolicy.js';

/** The connector client's HTTP client interface, as ConfigurationBotFrameworkAuthentication takes it. */
type ConnectorClientOptions = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[4]>;
export type ConnectorHttpClient = NonNullable<ConnectorClientOptions['httpClient']>;
type WebResource = Parameters<ConnectorHttpClient['sendRequest']>[0];
type CompatResponse = Awaited<ReturnType<ConnectorHttpClient['sendRequest']>>;

/**
 * The HTTP client of every ConnectorClient the Bot Framework channel creates (replies, typing,
 * updates). The SDK's own client has no timeout, so a serviceUrl that never answers held a
 * turn for as long as the socket lived; here every call ends after `timeoutMs`, asks the
 * serviceUrl policy before it connects, and never follows a redirect to another host.
 */
export class GuardedHttpClient implements ConnectorHttpClient {
  constructor(
    private readonly policy: ServiceUrlPolicy,
    private readonly timeoutMs: number,
  ) {}

  async sendRequest(request: WebResource): Promise<CompatResponse> {
    const url = new URL(request.url);
    if (!this.policy.allows(url)) {
      throw new OutboundCallError('refused', url.host, `outbound call to ${url.host} refused: the host is not allowed for Bot Framework replies`);
    }
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = request.abortSignal ? AbortSignal.any([timeout, request.abortSignal as AbortSignal]) : timeout;
    try {
      const response = await fetch(url, {
        method: request.method,
        headers: request.headers.rawHeaders(),
        // The connector's operations serialise their bodies to JSON text.
        body: typeof request.body === 'string' ? request.body : request.body == null ? undefined : JSON.stringify(request.body),
        redirect: 'manual',
        signal,
      });
      const bodyAsText = await response.text();
      // A headers object of the SDK's own class, filled with the response's.
      const headers = request.headers.clone();
      for (const name of headers.headerNames()) headers.remove(name);
      response.headers.forEach((value, name) => headers.set(name, value));
      return { request, status: response.status, headers, bodyAsText };
    } catch (err) {
      if (timeout.aborted) {
        throw new OutboundCallError('timeout', url.host, `outbound call to ${url.host} timed out after ${this.timeoutMs} ms`);
      }
      throw err;
    }
  }
}
