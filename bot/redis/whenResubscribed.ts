import type { Redis } from 'ioredis';

/**
 * Calls `back(channels)` each time a pub/sub connection is ready again after it was cut, once
 * `channels()` are subscribed again: what was published meanwhile never arrives, so the caller reads
 * the record in Redis then. ioredis subscribes again by itself; this SUBSCRIBE's answer is what says
 * the server has the channels, so nothing published after `back` is missed. `failed`: down again.
 */
export function whenResubscribed(subscriber: Redis, channels: () => string[], back: (channels: string[]) => void, failed: (err: unknown) => void): void {
  let connectedBefore = false;
  subscriber.on('ready', () => {
    if (!connectedBefore) {
      connectedBefore = true;
      return;
    }
    const names = channels();
    const subscribed = names.length > 0 ? subscriber.subscribe(...names) : Promise.resolve();
    subscribed.then(() => back(names), failed);
  });
}
