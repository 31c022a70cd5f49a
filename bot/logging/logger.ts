import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** The one logger. Structured JSON lines; callers add context objects, never string-concatenate. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'xizang-yibao-assistant' } }, destination);
}
