import { AppError } from './appError.js';

export interface KnowledgeErrorContext {
  file: string;
  /** the matter's `no` or the office's name, when the problem is inside one */
  item?: string | number;
  field?: string;
  [key: string]: unknown;
}

/** One problem in one place: what `KnowledgeError` lists. */
export interface KnowledgeProblem extends KnowledgeErrorContext {
  message: string;
}

/**
 * A file under knowledge/ is missing, unreadable or does not fit the schema. It lists
 * every problem found, one a line, so an editor fixes them all in one pass.
 */
export class KnowledgeError extends AppError {
  readonly problems: readonly KnowledgeProblem[];

  constructor(
    message: string,
    readonly where: KnowledgeErrorContext,
    more: readonly KnowledgeProblem[] = [],
  ) {
    const problems = [{ ...where, message }, ...more];
    const lines = problems.map((p) => `${KnowledgeError.at(p)}: ${p.message}`);
    super(more.length === 0 ? lines[0]! : `${lines.join('\n')}\n（共 ${problems.length} 处问题）`, where);
    this.problems = problems;
  }

  /** `file [item] field`, the place an editor goes to. */
  static at(where: KnowledgeErrorContext): string {
    return `${where.file}${where.item !== undefined ? ` [${where.item}]` : ''}${where.field ? ` ${where.field}` : ''}`;
  }
}
