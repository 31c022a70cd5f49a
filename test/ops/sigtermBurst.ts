import { setTimeout as sleep } from 'node:timers/promises';
import type { Instance } from '../support/twoInstances.js';
import type { BotFrameworkClient } from './botFrameworkClient.js';

export const OPENING = '我要办理异地安置退休人员备案';

/**
 * `count` conversations each send their first message to `target`; while every one of those turns
 * is in flight (its reply held at the connector), the process gets SIGTERM. Once it has stopped
 * accepting connections the replies are let through. Returns each request's HTTP status (or the
 * error that cut it off) and how the process ended.
 */
export async function sigtermDuringBurst(client: BotFrameworkClient, target: Instance, count: number, tag: string) {
  const held = client.holdAll();
  const conversations = Array.from({ length: count }, (_, i) => `${tag}-${i}`);
  const sent = conversations.map((c) => client.send(target.base, c, `${c}-user`, OPENING).catch((err: unknown) => `cut off: ${(err as Error).message}`));
  await held.reached(count);
  target.proc.kill('SIGTERM');
  // Draining: the listening socket is closed, so a new connection is refused (bounded: 200 × 50 ms).
  let refused = false;
  for (let i = 0; i < 200 && !refused; i++) {
    refused = await fetch(`${target.base}/healthz`).then(
      () => false,
      () => true,
    );
    if (!refused) await sleep(50);
  }
  held.release();
  const statuses = await Promise.all(sent);
  return { conversations, statuses, refused, exit: await target.exited };
}
