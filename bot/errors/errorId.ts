import { randomBytes } from 'node:crypto';

/**
 * The id an unexpected failure is logged under and shown to the person (a 500's message, the
 * apology after a failed turn), so support can find the log line from what the person quotes.
 * One way everywhere: 8 hex characters.
 */
export function newErrorId(): string {
  return randomBytes(4).toString('hex');
}
