import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { sendError } from './httpErrors.js';

export interface CpuBudgetOptions {
  /** CPU milliseconds one client may use per minute; 0 turns the budget off */
  msPerMinute: number;
  /** process CPU time in microseconds (tests pass a fake clock) */
  cpuMicros?: () => number;
  /** wall time in milliseconds (tests pass a fake clock) */
  now?: () => number;
  /** clients remembered at most; drained ones are forgotten first */
  maxClients?: number;
}

interface Bucket {
  /** CPU milliseconds charged and not yet drained */
  level: number;
  /** wall time of the last drain */
  at: number;
}

const MINUTE_MS = 60_000;

/**
 * A per-client CPU budget (issue 11, defect 5): the request-count limit let one client send
 * two expensive messages a second and starve /healthz. Each request is charged the process
 * CPU used while it was in flight, shared equally with the requests in flight beside it
 * (processor sharing: one event loop serves them all), into a leaky bucket per client that
 * drains `msPerMinute` a minute. A client whose bucket is full gets 429 JSON with Retry-After
 * until it has drained; the charge is taken after the answer, so the request that crosses the
 * budget is still served.
 */
export class CpuBudget {
  private readonly buckets = new Map<string, Bucket>();
  private readonly cpuMicros: () => number;
  private readonly now: () => number;
  private readonly maxClients: number;
  /** CPU each request in flight has been charged so far, cumulative (µs) */
  private perRequest = 0;
  private lastCpu: number;
  private inFlight = 0;

  constructor(private readonly options: CpuBudgetOptions) {
    this.cpuMicros =
      options.cpuMicros ??
      (() => {
        const u = process.cpuUsage();
        return u.user + u.system;
      });
    this.now = options.now ?? Date.now;
    this.maxClients = options.maxClients ?? 50_000;
    this.lastCpu = this.cpuMicros();
  }

  get enabled(): boolean {
    return this.options.msPerMinute > 0;
  }

  /** per client address (req.ip, so TRUST_PROXY decides who the client is) */
  byAddress(): RequestHandler {
    return this.middleware((req) => ipKeyGenerator(req.ip ?? 'unknown'));
  }

  /**
   * per WeChat user, for /wechat once the signature is verified: every request comes from
   * WeChat's servers, so an address would put every user in one budget.
   */
  byWeChatUser(): RequestHandler {
    return this.middleware((req) => {
      const openid = req.query.openid;
      return typeof openid === 'string' && /^[\w-]{1,64}$/.test(openid) ? `wx:${openid}` : ipKeyGenerator(req.ip ?? 'unknown');
    });
  }

  /** CPU milliseconds `key` has in its bucket now (for tests and logs) */
  spent(key: string): number {
    const b = this.buckets.get(key);
    return b ? this.drain(b) : 0;
  }

  private middleware(keyOf: (req: Request) => string): RequestHandler {
    if (!this.enabled) return (_req, _res, next) => next();
    return (req, res, next) => {
      const key = keyOf(req);
      const bucket = this.buckets.get(key);
      const level = bucket ? this.drain(bucket) : 0;
      if (level >= this.options.msPerMinute) {
        const seconds = Math.max(1, Math.ceil(((level - this.options.msPerMinute) / this.options.msPerMinute) * 60 + 1));
        res.set('Retry-After', String(seconds));
        sendError(
          res,
          429,
          'too_many_requests',
          `too much work: at most ${this.options.msPerMinute} ms of CPU a minute for one client; try again in ${seconds} s`,
        );
        return;
      }
      this.advance();
      this.inFlight++;
      const mark = this.perRequest;
      res.once('close', () => {
        this.advance();
        this.inFlight--;
        this.charge(key, (this.perRequest - mark) / 1000);
      });
      next();
    };
  }

  /** shares the CPU used since the last start or end equally among the requests in flight */
  private advance(): void {
    const cpu = this.cpuMicros();
    if (this.inFlight > 0) this.perRequest += (cpu - this.lastCpu) / this.inFlight;
    this.lastCpu = cpu;
  }

  private charge(key: string, ms: number): void {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxClients) this.forgetDrained();
      bucket = { level: 0, at: this.now() };
      this.buckets.set(key, bucket);
    }
    this.drain(bucket);
    bucket.level += ms;
  }

  /** the bucket's level after draining for the time since it was last drained */
  private drain(bucket: Bucket): number {
    const now = this.now();
    bucket.level = Math.max(0, bucket.level - ((now - bucket.at) * this.options.msPerMinute) / MINUTE_MS);
    bucket.at = now;
    return bucket.level;
  }

  /** keeps memory bounded under many addresses: drained clients first, then the oldest */
  private forgetDrained(): void {
    for (const [key, b] of this.buckets) if (this.drain(b) === 0) this.buckets.delete(key);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < this.maxClients) break;
      this.buckets.delete(key);
    }
  }
}
