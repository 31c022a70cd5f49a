import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { TextNormalizer } from '../understanding/textNormalizer.js';
import { ReviewIndex } from './reviewIndex.js';
import { RedisReviewLog } from './redisReviewLog.js';
import { ReviewLog, type ReviewChange } from './reviewLog.js';
import type { ReviewSource, ReviewStore } from './reviewStore.js';

/** What the review report asks the worker. */
export type WorkerRequest =
  | { id: number; op: 'groups'; from: string; offset: number; limit: number }
  | { id: number; op: 'members'; key: string; from: string }
  | { id: number; op: 'lookup'; ids: string[] }
  | { id: number; op: 'summary'; from: string; to: string };
export type WorkerMessage = { change: ReviewChange } | WorkerRequest;
export type WorkerReply = { id: number; result: unknown } | { id: number; error: string } | { ready: number };

export interface WorkerOptions {
  source: ReviewSource;
  retentionMs: number;
  charVariants: Record<string, string>;
}

// The review queue's index lives here, so grouping 100,000 items never holds up the event loop.
const options = (workerData as { options: WorkerOptions }).options;
const normalizer = new TextNormalizer(options.charVariants);
let index = new ReviewIndex((t) => normalizer.normalize(t));
const port = parentPort!;

/** A new index of the whole queue as the source holds it now. */
async function readAll(): Promise<ReviewIndex> {
  const fresh = new ReviewIndex((t) => normalizer.normalize(t));
  const { log, close } = await openSource(options.source, options.retentionMs);
  try {
    // Everything still kept: retention decides what is kept, with a day's margin either side.
    for (const e of await log.events(Math.ceil(options.retentionMs / 86_400_000) + 2)) fresh.add(e);
  } finally {
    close();
  }
  return fresh;
}

let loaded = false;
let ready: Promise<void> = readAll().then((fresh) => {
  index = fresh;
  loaded = true;
  port.postMessage({ ready: index.size } satisfies WorkerReply);
});

/** The queue to read once at start; shared (REDIS_URL), with a connection of the worker's own, closed after. */
async function openSource(source: ReviewSource, retentionMs: number): Promise<{ log: ReviewStore; close: () => void }> {
  if (source.kind === 'files') return { log: new ReviewLog({ dir: source.dir, retentionMs }), close: () => undefined };
  const client = new Redis(source.url, { maxRetriesPerRequest: 1 });
  return { log: await RedisReviewLog.open({ client, keyPrefix: source.keyPrefix, url: source.url, retentionMs }), close: () => client.disconnect() };
}

function answer(msg: WorkerRequest): unknown {
  switch (msg.op) {
    case 'groups':
      return index.groups(msg.from, msg.offset, msg.limit);
    case 'members':
      return index.members(msg.key, msg.from);
    case 'lookup':
      return index.lookup(msg.ids);
    case 'summary':
      return index.summary(msg.from, msg.to);
  }
}

port.on('message', (msg: WorkerMessage) => {
  if ('change' in msg && msg.change.type === 'reset') {
    // Read again after everything sent before; what is sent after waits for it (adding an event twice is harmless).
    // If the read fails a loaded index stays as it was (the next reset tries again); one never loaded still fails queries.
    ready = ready
      .catch(() => undefined)
      .then(readAll)
      .then(
        (fresh) => {
          index = fresh;
          loaded = true;
        },
        (err: unknown) => {
          if (!loaded) throw err;
        },
      );
    return;
  }
  // Messages wait for the initial load in the order they came, so a query sees every change sent before it.
  void ready.then(
    () => {
      if ('change' in msg) {
        const c = msg.change;
        if (c.type === 'add') for (const e of c.events) index.add(e);
        else if (c.type === 'resolve') index.resolve(c.ids);
        else if (c.type === 'drop') index.dropBefore(c.before);
        return;
      }
      try {
        port.postMessage({ id: msg.id, result: answer(msg) } satisfies WorkerReply);
      } catch (err) {
        port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) } satisfies WorkerReply);
      }
    },
    (err: unknown) => {
      if (!('change' in msg))
        port.postMessage({ id: msg.id, error: `the review index could not load: ${err instanceof Error ? err.message : String(err)}` } satisfies WorkerReply);
    },
  );
});
