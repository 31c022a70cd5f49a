import { rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logging/logger.js';
import { describeCorruption, DurableJsonFile, isCorruption, keepCorruptCopy, readdirIfExists } from '../storage/durableJsonFile.js';
import { KeyedMutex } from '../storage/keyedMutex.js';

/** One conversation as written to disk: activities kept as the JSON text the store serves. */
export const SavedConversation = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  createdAt: z.number(),
  lastActiveAt: z.number(),
  started: z.boolean(),
  nextSeq: z.number().int().positive(),
  log: z.array(z.object({ seq: z.number().int().positive(), id: z.string().min(1), json: z.string().min(2) })),
});
export type SavedConversation = z.infer<typeof SavedConversation>;

const FILE = /^[A-Za-z0-9_-]{1,128}\.json$/;

/**
 * The embedded Direct Line store's disk: one durable file per conversation under `dir`, so
 * conversations (and with DIRECTLINE_SECRET their tokens) survive a restart of the one instance.
 *
 * Writes of one conversation are coalesced: while one is on its way, later changes wait for a
 * single next write that takes the conversation as it is when that write starts. A caller's
 * change is therefore on disk when its `save` resolves, without one fsync per change.
 */
export class ConversationFiles {
  private readonly queue = new KeyedMutex();
  /** writes queued and not started yet, per conversation: a later change joins them */
  private readonly queued = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    readonly dir: string,
    private readonly logger?: Logger,
  ) {}

  /** Every saved conversation; a broken file is set aside (copy kept, logged) and skipped. */
  async loadAll(): Promise<SavedConversation[]> {
    const loaded: SavedConversation[] = [];
    for (const name of (await readdirIfExists(this.dir)).filter((n) => FILE.test(n))) {
      const file = path.join(this.dir, name);
      try {
        const saved = await this.file(name.slice(0, -'.json'.length)).read();
        if (saved) loaded.push(saved);
      } catch (err) {
        if (!isCorruption(err)) throw err;
        const backup = await keepCorruptCopy(file);
        await rm(file, { force: true });
        this.logger?.error(
          { file, backup, reason: describeCorruption(err, 'a Direct Line conversation', 3) },
          'Direct Line conversation file corrupt: copy kept, the conversation is gone',
        );
      }
    }
    return loaded;
  }

  /** Writes what `snapshot` returns when the write starts; `undefined` removes the file. */
  save(id: string, snapshot: () => SavedConversation | undefined): Promise<void> {
    const waiting = this.queued.get(id);
    if (waiting) return waiting;
    const write = this.queue.run([id], async () => {
      this.queued.delete(id);
      const saved = snapshot();
      if (saved) await this.file(id).write(saved);
      else await rm(path.join(this.dir, `${id}.json`), { force: true });
    });
    this.queued.set(id, write);
    this.inFlight.add(write);
    void write.then(
      () => this.inFlight.delete(write),
      () => this.inFlight.delete(write),
    );
    return write;
  }

  /** Waits for every write queued so far. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private file(id: string): DurableJsonFile<SavedConversation> {
    const file = path.join(this.dir, `${id}.json`);
    return new DurableJsonFile(
      file,
      (value) => {
        const saved = SavedConversation.parse(value);
        if (saved.id !== id)
          throw new z.ZodError([{ code: 'custom', path: ['id'], message: `the file ${id}.json holds conversation ${saved.id}`, input: saved.id }]);
        return saved;
      },
      (data) => JSON.stringify(data),
    );
  }
}
