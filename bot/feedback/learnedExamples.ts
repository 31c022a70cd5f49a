import path from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { JsonDocument } from './jsonDocument.js';
import type { DataFileNotice } from './reviewLog.js';
import { sweepTempFiles } from './tempFiles.js';

const LearnedFile = z.object({
  version: z.literal(1),
  examples: z.array(
    z.object({
      matter: z.number().int().positive(),
      text: z.string().min(1).max(500),
      /** ISO time it was taught */
      at: z.string(),
    }),
  ),
});
type LearnedFile = z.infer<typeof LearnedFile>;

/** Learned example phrases: LearnedExamples (a file under DATA_DIR) or RedisLearnedExamples (shared). */
export interface LearnedExampleStore {
  /** adds a phrase for a matter; false when the matter already had it */
  add(matter: number, text: string): Promise<boolean>;
  /** every phrase, by matter, for the understanding's index */
  byMatter(): Promise<Map<number, string[]>>;
  count(): Promise<number>;
  /** data set aside because it was broken */
  notices(): readonly DataFileNotice[];
}

/**
 * Example phrases editors taught from the review queue ("should match matter N"), kept in
 * DATA_DIR/learned/examples.json because knowledge/ is source-controlled and read-only at run
 * time. They are merged into the matters' `examples` when the knowledge loads and on reload.
 *
 * A broken file does not stop the service: a byte copy is kept, the error logged and listed by
 * `notices()` (the review page shows it), and the service starts with no learned examples.
 */
export class LearnedExamples implements LearnedExampleStore {
  readonly #doc: JsonDocument<LearnedFile>;
  readonly #notices: DataFileNotice[] = [];

  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
    logger?: Pick<Logger, 'error'>,
  ) {
    this.#doc = new JsonDocument(path.join(dataDir, 'learned', 'examples.json'), LearnedFile, () => ({ version: 1 as const, examples: [] }), {
      setAside: (err) => {
        this.#notices.push({ file: err.path, backup: err.backupPath, kept: 0, dropped: 1, at: new Date().toISOString() });
        logger?.error(
          { file: err.path, backup: err.backupPath, reason: err.reason },
          `learned examples file ${err.path} was broken: set aside (byte copy at ${err.backupPath}); starting without learned examples`,
        );
      },
    });
  }

  /** Files set aside because they were broken. */
  notices(): readonly DataFileNotice[] {
    return this.#notices;
  }

  get path(): string {
    return this.#doc.path;
  }

  /** Adds a phrase for a matter; false when the matter already had it. */
  async add(matter: number, text: string): Promise<boolean> {
    const phrase = text.trim();
    let added = false;
    await this.#doc.update((d) => {
      if (d.examples.some((e) => e.matter === matter && e.text === phrase)) return;
      d.examples.push({ matter, text: phrase, at: new Date(this.now()).toISOString() });
      added = true;
    });
    return added;
  }

  /** Read at start-up and on every reload: temp files a killed writer left beside the file go first. */
  async byMatter(): Promise<Map<number, string[]>> {
    await sweepTempFiles(path.dirname(this.#doc.path), 10 * 60_000);
    const out = new Map<number, string[]>();
    for (const e of (await this.#doc.read()).examples) out.set(e.matter, [...(out.get(e.matter) ?? []), e.text]);
    return out;
  }

  async count(): Promise<number> {
    return (await this.#doc.read()).examples.length;
  }
}
