import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.js';
import { whenResubscribed } from './whenResubscribed.js';

type Handler = (message: unknown) => void;

/**
 * Redis pub/sub between the instances of one service: a change made on one (a review item, a
 * reload) is announced to the others. Each message carries its sender's id so an instance skips
 * its own. Pub/sub delivers only to instances connected at the time: what is announced must
 * also be in Redis for an instance that starts later (the bus is a doorbell, not the record).
 */
export class RedisBus {
  readonly origin = randomUUID();
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, Handler[]>();
  private readonly reconnectHandlers: Array<() => void> = [];

  constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
    private readonly logger?: Pick<Logger, 'warn'>,
  ) {
    // A subscribed connection can do nothing else: a second one, reconnecting (and resubscribing) by itself.
    this.subscriber = client.duplicate({ enableOfflineQueue: true });
    this.subscriber.on('error', () => undefined); // the main connection reports outages
    this.subscriber.on('message', (channel: string, text: string) => this.deliver(channel, text));
    whenResubscribed(
      this.subscriber,
      () => [...this.handlers.keys()],
      () => {
        for (const h of this.reconnectHandlers) h();
      },
      (err: unknown) => this.logger?.warn({ err }, 'Redis bus could not subscribe again: the next check catches up'),
    );
  }

  /**
   * Calls `handler` each time the bus is back after its connection was cut: what was published
   * meanwhile never arrives, so a reader checks the record in Redis then (the channels are
   * subscribed again before it is called, so nothing published after the check is missed).
   */
  onReconnect(handler: () => void): void {
    this.reconnectHandlers.push(handler);
  }

  /** Calls `handler` with what other instances publish on `name`. */
  async subscribe(name: string, handler: Handler): Promise<void> {
    const channel = this.channel(name);
    const list = this.handlers.get(channel) ?? [];
    list.push(handler);
    this.handlers.set(channel, list);
    if (list.length === 1) await this.subscriber.subscribe(channel);
  }

  async publish(name: string, message: unknown): Promise<void> {
    await this.client.publish(this.channel(name), JSON.stringify({ origin: this.origin, message }));
  }

  close(): void {
    this.subscriber.disconnect();
  }

  private channel(name: string): string {
    return `${this.keyPrefix}bus:${name}`;
  }

  private deliver(channel: string, text: string): void {
    let parsed: { origin?: unknown; message?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      this.logger?.warn({ channel }, 'unreadable message on the Redis bus: ignored');
      return;
    }
    if (parsed.origin === this.origin) return;
    for (const h of this.handlers.get(channel) ?? []) h(parsed.message);
  }
}
