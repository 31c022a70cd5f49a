import { AppError } from './appError.js';

export interface KnowledgeErrorContext {
  file: string;
  /** the matter's `no` or the office's name, when the problem is inside one */
  item?: string | number;
  field?: string;
  [key: string]: unknown;
}

/** A file under knowledge/ is missing, unreadable or does not fit the schema. */
export class KnowledgeError extends AppError {
  constructor(
    message: string,
    readonly where: KnowledgeErrorContext,
  ) {
    super(
      `${where.file}${where.item !== undefined ? ` [${where.item}]` : ''}${where.field ? ` ${where.field}` : ''}: ${message}`,
      where,
    );
  }
}
