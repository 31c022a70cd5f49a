import { pino, type Logger, type DestinationStream } from 'pino';
import { maskDeep, maskPii } from '../privacy/piiMasker.js';

export type { Logger };

/**
 * The one logger. Structured JSON lines; callers add context objects, never string-concatenate.
 * Every string logged passes through the PII masker: the channels mask what people type before
 * it reaches the bot, and this is the defence in depth for anything that slips past them.
 * Landlines are left alone here because log lines may quote our own answers (office phones).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'xizang-yibao-assistant' },
      formatters: { log: (object) => maskDeep(object) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? maskPii(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
