import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { Request, RequestHandler } from 'express';
import { ConfigError } from '../errors/configError.js';
import type { Logger } from '../logging/logger.js';
import { sendError } from './httpErrors.js';

export interface MemoryReading {
  heapUsed: number;
  rss: number;
}

export interface MemoryGuardOptions {
  /** V8 heap in use beyond which work is refused; default 85 % of V8's heap limit, so we refuse before V8 aborts */
  heapBudgetBytes?: number;
  /** resident set beyond which work is refused; default 90 % of the container's memory limit, none without one */
  rssBudgetBytes?: number;
  /** what the 503 tells clients (default 5 s) */
  retryAfterSeconds?: number;
  /** a reading is reused this long, so a flood of requests does not read /proc for each (default 100 ms) */
  sampleMs?: number;
  /** requests let through even over budget; default: Direct Line polls (see DIRECT_LINE_READS) */
  passes?: (req: Request) => boolean;
  read?: () => MemoryReading;
  now?: () => number;
  logger?: Logger;
}

export interface MemoryStatus extends MemoryReading {
  heapBudget: number;
  rssBudget: number | undefined;
  over: boolean;
}

/**
 * Load shedding at a memory budget: past it, every request the guard stands before gets
 * 503 JSON with Retry-After instead of work, so the process degrades and recovers (garbage
 * is collected, idle conversations expire) rather than being killed by V8 or the kernel.
 * Mount it after /healthz, which must keep answering.
 */
export class MemoryGuard {
  readonly heapBudget: number;
  readonly rssBudget: number | undefined;
  private readonly retryAfterSeconds: number;
  private readonly sampleMs: number;
  private readonly passes: (req: Request) => boolean;
  private readonly read: () => MemoryReading;
  private readonly now: () => number;
  private readonly logger: Logger | undefined;
  private last: { at: number; status: MemoryStatus } | undefined;

  constructor(options: MemoryGuardOptions = {}) {
    this.heapBudget = budget(options.heapBudgetBytes ?? Math.floor(getHeapStatistics().heap_size_limit * 0.85), 'heapBudgetBytes');
    const rss = options.rssBudgetBytes ?? defaultRssBudget();
    this.rssBudget = rss === undefined ? undefined : budget(rss, 'rssBudgetBytes');
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
    this.sampleMs = options.sampleMs ?? 100;
    this.passes = options.passes ?? DIRECT_LINE_READS;
    // The RSS is read from /proc (process.memoryUsage() was ~1.5 % of a Direct Line turn's CPU under load), so only
    // when there is an RSS budget to compare it with; V8's heap figure costs no system call. rss is 0 when not read.
    this.read = options.read ?? (() => ({ heapUsed: getHeapStatistics().used_heap_size, rss: this.rssBudget === undefined ? 0 : process.memoryUsage.rss() }));
    this.now = options.now ?? Date.now;
    this.logger = options.logger?.child({ component: 'memoryGuard' });
  }

  status(): MemoryStatus {
    const now = this.now();
    if (this.last && now - this.last.at < this.sampleMs) return this.last.status;
    const { heapUsed, rss } = this.read();
    const over = heapUsed > this.heapBudget || (this.rssBudget !== undefined && rss > this.rssBudget);
    const status: MemoryStatus = { heapUsed, rss, heapBudget: this.heapBudget, rssBudget: this.rssBudget, over };
    // Logged on the change only: a flood of refusals must not become a flood of log lines.
    if (over !== (this.last?.status.over ?? false)) {
      const fields = {
        heapUsedMiB: mib(heapUsed),
        rssMiB: this.rssBudget && mib(rss),
        heapBudgetMiB: mib(this.heapBudget),
        rssBudgetMiB: this.rssBudget && mib(this.rssBudget),
      };
      if (over) this.logger?.warn(fields, 'memory over budget: refusing work with 503 until it falls');
      else this.logger?.info(fields, 'memory back under budget: serving again');
    }
    this.last = { at: now, status };
    return status;
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      if (this.passes(req) || !this.status().over) {
        next();
        return;
      }
      res.set('Retry-After', String(this.retryAfterSeconds));
      sendError(res, 503, 'service_unavailable', 'the service is at its memory budget; try again shortly');
    };
  }
}

/**
 * Reads of an open Direct Line conversation pass: directlinejs stops polling for good on any
 * error but 403/404, so a refused poll would silence a person's page until it is reloaded, and
 * a poll is small (bounded by the conversation's byte budget and its poll limit). Their posts
 * are refused, which Web Chat shows as a message to send again.
 */
export const DIRECT_LINE_READS = (req: Request): boolean => req.method === 'GET' && /^\/v3\/directline\/conversations\/[^/]+(\/activities)?$/.test(req.path);

/** 90 % of a cgroup limit; none when the process has no limit below the machine's memory. */
function defaultRssBudget(): number | undefined {
  const limit = process.constrainedMemory?.();
  if (!limit || !Number.isFinite(limit) || limit >= totalmem()) return undefined;
  return Math.floor(limit * 0.9);
}

function budget(n: number, name: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number of bytes, got ${n}`, { [name]: n });
  return n;
}

const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);
