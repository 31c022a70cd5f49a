import type { Server } from 'node:http';
import type { Logger } from '../logging/logger.js';

/** Something to stop on shutdown; a failing one is logged and the others still run. */
export type Closer = () => Promise<void> | void;

export interface ShutdownResult {
  /** true when every request and tracked turn finished within the timeout */
  drained: boolean;
  /** requests still open when the timeout cut them off */
  cutOff: number;
}

const POLL_MS = 25;

/**
 * Graceful restart (SIGTERM / SIGINT): readiness goes false and the server stops accepting
 * connections; the drain hooks run at once (so WebSocket clients are told to reconnect, to
 * another instance, while requests finish); every request in flight, and every turn tracked with
 * `track` (a WeChat turn may outlive its HTTP answer), is waited for up to `timeoutMs`; then the
 * close hooks run (Redis last, since the turns above still write to it) and the caller exits.
 *
 * A request that arrives on a kept-alive connection while draining is still served (it was sent
 * before the client could know), answered with `Connection: close` so the client moves on.
 */
export class GracefulShutdown {
  readonly #timeoutMs: number;
  readonly #logger: Logger | undefined;
  readonly #drainHooks: Array<[string, Closer]> = [];
  readonly #closeHooks: Array<[string, Closer]> = [];
  readonly #work = new Set<Promise<unknown>>();
  readonly #servers: Server[] = [];
  #inFlight = 0;
  #draining = false;
  #result: Promise<ShutdownResult> | undefined;

  constructor(options: { timeoutMs: number; logger?: Logger }) {
    if (!(Number.isFinite(options.timeoutMs) && options.timeoutMs >= 0))
      throw new RangeError(`GracefulShutdown: timeoutMs must be ≥ 0, got ${options.timeoutMs}`);
    this.#timeoutMs = options.timeoutMs;
    this.#logger = options.logger;
  }

  /** true from the first signal on: /readyz answers 503. */
  get draining(): boolean {
    return this.#draining;
  }

  /** requests being answered right now on the attached servers */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Runs when draining starts, before waiting for requests (e.g. close WebSockets with a reconnect code). */
  onDrain(name: string, hook: Closer): void {
    this.#drainHooks.push([name, hook]);
  }

  /** Runs after requests and turns have finished, in the order registered (e.g. timers, then Redis). */
  onClose(name: string, hook: Closer): void {
    this.#closeHooks.push([name, hook]);
  }

  /** Work that outlives its request (a turn finishing after the channel was answered): waited for too. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#work.add(settled);
    void settled.then(() => this.#work.delete(settled));
    return work;
  }

  /** Counts the server's requests in flight; call before it serves the first one. */
  attach(server: Server): void {
    this.#servers.push(server);
    // prepended, so it runs before express writes anything
    server.prependListener('request', (_req, res) => {
      this.#inFlight++;
      if (this.#draining) res.setHeader('Connection', 'close');
      res.once('close', () => {
        this.#inFlight--;
        if (this.#draining) server.closeIdleConnections();
      });
    });
  }

  /** Drains and closes; idempotent (a second call returns the first call's result). */
  shutdown(reason: string): Promise<ShutdownResult> {
    this.#result ??= this.#run(reason);
    return this.#result;
  }

  async #run(reason: string): Promise<ShutdownResult> {
    this.#draining = true;
    this.#logger?.info({ reason, inFlight: this.#inFlight, timeoutMs: this.#timeoutMs }, 'shutting down: draining requests in flight');
    const closed = this.#servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const server of this.#servers) server.closeIdleConnections();
    await this.#runHooks(this.#drainHooks);
    const deadline = Date.now() + this.#timeoutMs;
    while ((this.#inFlight > 0 || this.#work.size > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const cutOff = this.#inFlight;
    const drained = cutOff === 0 && this.#work.size === 0;
    if (!drained) this.#logger?.warn({ requests: cutOff, turns: this.#work.size }, 'shutdown timeout: cutting off what is still running');
    for (const server of this.#servers) server.closeAllConnections();
    // An upgraded socket (a WebSocket no drain hook closed) is not among closeAllConnections': do not wait for it forever.
    await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 1000).unref())]);
    await this.#runHooks(this.#closeHooks);
    this.#logger?.info({ drained }, 'shut down');
    return { drained, cutOff };
  }

  async #runHooks(hooks: Array<[string, Closer]>): Promise<void> {
    for (const [name, hook] of hooks) {
      try {
        await hook();
      } catch (err) {
        this.#logger?.error({ err, hook: name }, 'shutdown hook failed');
      }
    }
  }
}
