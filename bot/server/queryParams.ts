import type { Request } from 'express';
import { InputError } from '../errors/inputError.js';

export const MAX_QUERY_LENGTH = 500;

/** A required text parameter, given once, not blank, at most MAX_QUERY_LENGTH characters. */
export function requiredText(req: Request, name: string): string {
  const value = req.query[name];
  if (value === undefined) throw new InputError(`missing query parameter "${name}"`);
  if (typeof value !== 'string') throw new InputError(`query parameter "${name}" must be given once, as text`);
  const trimmed = value.trim();
  if (trimmed === '') throw new InputError(`query parameter "${name}" is empty`);
  const length = [...trimmed].length;
  if (length > MAX_QUERY_LENGTH) {
    throw new InputError(`query parameter "${name}" is too long (${length} characters, at most ${MAX_QUERY_LENGTH})`);
  }
  return trimmed;
}

/** An optional parameter restricted to a set of values. */
export function optionalChoice<T extends string>(req: Request, name: string, allowed: readonly T[], fallback: T): T {
  const value = req.query[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InputError(`query parameter "${name}" must be one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

/** An optional whole number from `min` to `max`, given once. */
export function optionalWholeNumber(req: Request, name: string, min: number, max: number, fallback: number): number {
  const value = req.query[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(`query parameter "${name}" must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

/** An optional page cursor (as the previous page's `nextCursor` gave it): a position from 0 to `max`. */
export function optionalCursor(req: Request, name: string, max: number): number {
  const value = req.query[name];
  if (value === undefined) return 0;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value) || Number(value) > max) {
    throw new InputError(`query parameter "${name}" must be a cursor from a previous page's "nextCursor"`);
  }
  return Number(value);
}
