import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyedLock } from '../../bot/storage/keyedLock.js';

export interface KeyedLockFixture {
  /**
   * A lock client. A driver shared across processes (Redis) gives a new client with its own
   * connection at every call, as another instance would have; the in-process driver its one lock.
   */
  client(): Promise<KeyedLock>;
  /**
   * Takes `key` with a client that then dies without releasing it. Absent where a holder cannot
   * die without taking the lock with it (in process).
   */
  dieHolding?: (key: string) => Promise<void>;
  close(): Promise<void>;
}

/** Lets other tasks and I/O run in between, so an overlap would show. */
async function yieldSeveralTimes(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

/** What every KeyedLock driver must do; run once per driver. */
export function keyedLockContract(driver: string, setup: () => Promise<KeyedLockFixture>): void {
  describe(`KeyedLock contract: ${driver}`, () => {
    let fx: KeyedLockFixture;
    beforeEach(async () => {
      fx = await setup();
    });
    afterEach(async () => {
      await fx.close();
    });

    it('lets one holder at a time in, across two clients: 2 × 15 read-modify-write tasks lose no update', async () => {
      const [a, b] = [await fx.client(), await fx.client()];
      let counter = 0;
      let inside = 0;
      let mostInside = 0;
      const task = (lock: KeyedLock) =>
        lock.withLock('conv-1', async () => {
          inside++;
          mostInside = Math.max(mostInside, inside);
          const seen = counter;
          await yieldSeveralTimes();
          counter = seen + 1;
          inside--;
        });
      await Promise.all(Array.from({ length: 15 }, () => [task(a), task(b)]).flat());
      expect(mostInside).toBe(1);
      expect(counter).toBe(30);
    });

    it('keeps keys independent: holding one never blocks another', async () => {
      const [a, b] = [await fx.client(), await fx.client()];
      const held = await a.acquire('conv-a');
      const other = await b.tryAcquire('conv-b');
      expect(other).toBeDefined();
      expect(await b.tryAcquire('conv-a')).toBeUndefined();
      await other?.release();
      await held.release();
    });

    it('releases the key however the work ends, and passes the error on', async () => {
      const [a, b] = [await fx.client(), await fx.client()];
      const boom = new Error('turn failed');
      await expect(
        a.withLock('k', async () => {
          throw boom;
        }),
      ).rejects.toBe(boom);
      const lease = await b.tryAcquire('k');
      expect(lease).toBeDefined();
      await lease?.release();
    });

    it('is released only by its holder: a second release of an old lease leaves the new holder alone', async () => {
      const [a, b, c] = [await fx.client(), await fx.client(), await fx.client()];
      const first = await a.acquire('k');
      expect(await first.release()).toBe(true);
      const second = await b.acquire('k');
      expect(await first.release()).toBe(false);
      expect(await c.tryAcquire('k')).toBeUndefined();
      expect(await second.release()).toBe(true);
      const third = await c.tryAcquire('k');
      expect(third).toBeDefined();
      await third?.release();
    });

    it('serves a waiter as soon as the holder releases', async () => {
      const [a, b] = [await fx.client(), await fx.client()];
      const held = await a.acquire('k');
      let got = false;
      const waiting = b.acquire('k').then((lease) => {
        got = true;
        return lease;
      });
      await yieldSeveralTimes();
      expect(got).toBe(false);
      await held.release();
      await (await waiting).release();
      expect(got).toBe(true);
    });

    it('frees the key when its holder dies, within the lease', async (ctx) => {
      if (!fx.dieHolding) {
        ctx.skip(); // in process, the lock dies with its holder
        return;
      }
      await fx.dieHolding('k');
      const lock = await fx.client();
      expect(await lock.tryAcquire('k')).toBeUndefined();
      // acquire waits (bounded by the driver's acquire timeout) until the dead holder's lease ends
      const lease = await lock.acquire('k');
      expect(await lease.release()).toBe(true);
    });
  });
}
