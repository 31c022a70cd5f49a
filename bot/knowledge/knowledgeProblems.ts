import { z } from 'zod';
import { KnowledgeError, type KnowledgeErrorContext, type KnowledgeProblem } from '../errors/knowledgeError.js';

/** zod's own Chinese messages, for the issues whose schema gives none of its own. */
const CHINESE = z.locales.zhCN().localeError;

/** Dashes people type into phone numbers from a Chinese keyboard or a copied document. */
const WIDE_DASH = /[－—–‐‑―﹣]/;

/**
 * Every problem found while loading knowledge/, in Chinese for its editors: validation goes
 * on past the first, and `throwIfAny` reports them all at once.
 */
export class KnowledgeProblems {
  private readonly found: KnowledgeProblem[] = [];

  add(message: string, where: KnowledgeErrorContext): void {
    this.found.push({ ...where, message });
  }

  get any(): boolean {
    return this.found.length > 0;
  }

  throwIfAny(): void {
    const [first, ...more] = this.found;
    if (!first) return;
    const { message, ...where } = first;
    throw new KnowledgeError(message, where, more);
  }

  /**
   * Every issue of a schema check, each at its item and field. Array positions are named by
   * the element's `id` (or `name`), which an editor can search for; `item` names the matter
   * or office when it is not given.
   */
  parse<T>(schema: z.ZodType<T>, raw: unknown, file: string, item?: string | number): T | undefined {
    const r = schema.safeParse(raw, { error: CHINESE });
    if (r.success) return r.data;
    for (const issue of r.error.issues) {
      let base = raw;
      let path = issue.path;
      let named = item;
      // A list file (offices.json): the office's name is the item, the rest of the path its field.
      if (named === undefined && path[0] === 'offices' && typeof path[1] === 'number') {
        base = (raw as { offices: unknown[] }).offices[path[1]];
        named = (isRecord(base) ? stringField(base, 'name') : undefined) ?? `#${path[1] + 1}`;
        path = path.slice(2);
      }
      this.add(issue.message + hint(valueAt(base, path)), { file, item: named, field: fieldName(base, path) || undefined });
    }
    return undefined;
  }
}

/** `materials.3.when` → `materials.idCard.when`: an element with an id (or name) is named by it. */
function fieldName(raw: unknown, path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  let at: unknown = raw;
  for (const key of path) {
    const next = isRecord(at) || Array.isArray(at) ? (at as Record<PropertyKey, unknown>)[key] : undefined;
    const label = typeof key === 'number' && isRecord(next) ? (stringField(next, 'id') ?? stringField(next, 'name')) : undefined;
    parts.push(label ?? String(key));
    at = next;
  }
  return parts.join('.');
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = raw;
  for (const key of path) at = isRecord(at) || Array.isArray(at) ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

/** The commonest slips, said plainly. */
function hint(value: unknown): string {
  if (typeof value !== 'string') return '';
  if (WIDE_DASH.test(value) && /\d/.test(value)) return `（提示："${value}" 里的横线是全角或中文破折号，电话号码请用半角 "-"）`;
  if (/[０-９]/.test(value)) return `（提示："${value}" 里有全角数字，请改成半角 0-9）`;
  return '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringField(v: Record<string, unknown>, key: string): string | undefined {
  return typeof v[key] === 'string' && v[key] !== '' ? v[key] : undefined;
}

/** Line and column (from 1) of an offset in a text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}
