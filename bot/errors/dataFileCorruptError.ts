import { AppError } from './appError.js';

/**
 * A data file under DATA_DIR (review log, learned examples) is not valid JSON or not in its
 * format. It is never reset: the file stays as it is and a byte-for-byte copy is kept at
 * `backupPath`; fix or remove the file and the service carries on.
 */
export class DataFileCorruptError extends AppError {
  constructor(
    readonly path: string,
    readonly backupPath: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(
      `data file ${path} is corrupt (${reason}); a copy of the broken file was saved as ${backupPath}; fix or remove it`,
      { path, backupPath, reason },
      { cause },
    );
  }
}
