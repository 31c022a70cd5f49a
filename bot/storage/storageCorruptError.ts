import { AppError } from '../errors/appError.js';

/**
 * A state file exists but is not valid JSON or not in the stored-record format. The file is left
 * in place (never silently reset) and a byte-for-byte copy is kept at `backupPath`; fix or delete
 * the file to let the conversation go on.
 */
export class StorageCorruptError extends AppError {
  constructor(
    readonly key: string,
    readonly path: string,
    readonly backupPath: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(
      `Storage: the state file for "${key}" is corrupt (${reason}): ${path}; a copy of the broken file was saved as ${backupPath}`,
      { key, path, backupPath, reason },
      { cause },
    );
  }
}
