import { Worker } from 'node:worker_threads';
import { AppError } from '../errors/appError.js';
import type { DaySummary, ReviewGroup } from './reviewIndex.js';
import type { ReviewChange } from './reviewLog.js';
import type { ReviewStore } from './reviewStore.js';
import type { WorkerOptions, WorkerReply, WorkerRequest } from './reviewWorker.js';

export type { DaySummary, ReviewGroup } from './reviewIndex.js';
export { SIMILARITY_THRESHOLD } from './reviewIndex.js';

/** The review worker failed or stopped; the admin API answers 503 and the next request starts a new one. */
export class ReviewIndexUnavailableError extends AppError {
  constructor(reason: string) {
    super(`the review index is unavailable: ${reason}`, { reason });
  }
}

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface ReviewReportOptions {
  /** the lexicon's variant characters, for the same normalisation as the understanding */
  charVariants: Record<string, string>;
}

/**
 * What the review page shows, from a worker thread that keeps the review queue's groups and the
 * daily counts (ReviewIndex): it reads the queue itself at start (day files, or Redis), then follows every change
 * the log announces, so no request parses files or groups items on the event loop.
 */
export class ReviewReport {
  readonly #options: WorkerOptions;
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(log: ReviewStore, options: ReviewReportOptions) {
    this.#options = { source: log.source, retentionMs: log.retentionMs, charVariants: options.charVariants };
    // An empty queue's worker starts at the first question (most test processes never open the review page). It reads
    // the files once started; a change is on disk before it is announced, so none is missed.
    this.#unsubscribe = log.subscribe((change) => this.#send({ change }));
    // A queue already holding items is indexed at once, so staff do not wait for it at the first page.
    if (log.checkedEvents > 0) this.#start();
  }

  /** One page of open review items grouped by similar wording, biggest first, from the UTC day `from` on. */
  groups(from: string, offset: number, limit: number): Promise<{ total: number; groups: ReviewGroup[] }> {
    return this.#ask({ op: 'groups', from, offset, limit }) as Promise<{ total: number; groups: ReviewGroup[] }>;
  }

  /** The open items of the group named by `key`. */
  members(key: string, from: string): Promise<Array<{ id: string; question: string }>> {
    return this.#ask({ op: 'members', key, from }) as Promise<Array<{ id: string; question: string }>>;
  }

  /** The review items among `ids` (unknown ids left out). */
  lookup(ids: string[]): Promise<Array<{ id: string; question: string }>> {
    return this.#ask({ op: 'lookup', ids }) as Promise<Array<{ id: string; question: string }>>;
  }

  summary(from: string, to: string): Promise<DaySummary[]> {
    return this.#ask({ op: 'summary', from, to }) as Promise<DaySummary[]>;
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    void this.#worker?.terminate();
    this.#worker = undefined;
  }

  #start(): Worker {
    const typescript = import.meta.url.endsWith('.ts');
    const worker = new Worker(new URL('./reviewWorkerBoot.mjs', import.meta.url), {
      workerData: { typescript, entry: new URL(typescript ? './reviewWorker.ts' : './reviewWorker.js', import.meta.url).href, options: this.#options },
    });
    // The worker never keeps the process alive by itself.
    worker.unref();
    worker.on('message', (msg: WorkerReply) => {
      if (!('id' in msg)) return;
      const waiter = this.#waiting.get(msg.id);
      this.#waiting.delete(msg.id);
      if ('error' in msg) waiter?.reject(new ReviewIndexUnavailableError(msg.error));
      else waiter?.resolve(msg.result);
    });
    const fail = (reason: string): void => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      for (const w of this.#waiting.values()) w.reject(new ReviewIndexUnavailableError(reason));
      this.#waiting.clear();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`the worker stopped (exit code ${code})`));
    this.#worker = worker;
    return worker;
  }

  #send(msg: { change: ReviewChange } | WorkerRequest): void {
    // With no worker, changes are on disk: the next worker reads them from there.
    this.#worker?.postMessage(msg);
  }

  #ask(request: Request): Promise<unknown> {
    if (this.#closed) return Promise.reject(new ReviewIndexUnavailableError('closed'));
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  }
}
