import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';

/**
 * The on-disk format of LowdbStorage, shared with the bench (which writes files directly).
 *
 * One file per storage key: `<dir>/<first 2 hex of sha256(key)>/<sha256(key)>.json`. Keys are
 * arbitrary strings ("directline/conversations/abc/"), so they never become file names; the key
 * is stored inside the file and checked on read, so a file that ended up under the wrong name is
 * reported as corrupt instead of being served for another conversation. 256 shard folders keep
 * directories small (≈400 entries each at 100,000 conversations).
 */
export const StoredRecord = z.object({
  key: z.string(),
  eTag: z.string().min(1),
  /** ms since epoch of the last write of `item` */
  savedAt: z.number(),
  /** ms since epoch of the last read or write; idle expiry counts from here. Absent: `savedAt`. */
  touchedAt: z.number().optional(),
  /** the StoreItem without its eTag */
  item: z.record(z.string(), z.unknown()),
});
export type StoredRecord = z.infer<typeof StoredRecord>;

export const RECORD_FILE = /^[0-9a-f]{64}\.json$/;
export const SHARD_DIR = /^[0-9a-f]{2}$/;

export function fileForKey(dir: string, key: string): string {
  const hash = createHash('sha256').update(key, 'utf8').digest('hex');
  return path.join(dir, hash.slice(0, 2), `${hash}.json`);
}

export function serializeRecord(record: StoredRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** When the record was last used: idle expiry is measured from this instant. */
export function lastActive(record: Pick<StoredRecord, 'savedAt' | 'touchedAt'>): number {
  return Math.max(record.savedAt, record.touchedAt ?? record.savedAt);
}

/**
 * Validates parsed JSON as the record stored at `file` under `dir`: the shape must match and the
 * key inside must hash to this very file name. Throws a ZodError otherwise.
 */
export function parseRecordAt(dir: string, file: string, value: unknown): StoredRecord {
  const record = StoredRecord.parse(value);
  if (fileForKey(dir, record.key) !== file) {
    throw new z.ZodError([
      {
        code: 'custom',
        path: ['key'],
        message: `the key "${record.key}" belongs to ${fileForKey(dir, record.key)}, not to this file`,
        input: record.key,
      },
    ]);
  }
  return record;
}
