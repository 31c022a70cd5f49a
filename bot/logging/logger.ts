import { destination as fileDestination, pino, type DestinationStream, type Logger } from 'pino';
import { maskPii } from '../privacy/piiMasker.js';

export type { Logger };

/**
 * The one logger. Structured JSON lines; callers add context objects, never string-concatenate.
 * Every string in every line (message, context, child bindings, error messages and stacks) passes
 * through the PII masker on its way out: the channels mask what people type before it reaches the
 * bot, and this is the defence in depth for anything that slips past them. Landlines are left
 * alone here because log lines may quote our own answers (office phones).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const target = destination ?? fileDestination({ dest: 1, sync: true });
  const masked: DestinationStream = { write: (line: string) => target.write(maskJsonStrings(line)) };
  return pino({ level, base: { service: 'xizang-yibao-assistant' } }, masked);
}

/** Masks inside JSON string literals only, so numbers such as the time stay valid JSON. */
export function maskJsonStrings(line: string): string {
  return line.replace(/"(?:[^"\\]|\\.)*"/g, (literal) => maskPii(literal));
}
