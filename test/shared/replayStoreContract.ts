import { describe, expect, it } from 'vitest';
import { fixtureEach } from './fixtureEach.js';
import type { ReplayStore } from '../../bot/wechat/replayGuard.js';

export interface ReplayFixture {
  /** the guards of two instances (the same one when the driver is in process) */
  a: ReplayStore<string>;
  b: ReplayStore<string>;
  close(): Promise<void>;
}

/** What every WeChat replay guard promises; run in process and on Redis. */
export function replayStoreContract(name: string, make: () => Promise<ReplayFixture>): void {
  describe(`ReplayStore contract: ${name}`, () => {
    const fixture = fixtureEach(make);

    it('one key delivered to both at once runs its task once, and both get the same answer', async () => {
      const f = await fixture();
      let runs = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const task = async (): Promise<string> => {
        runs++;
        await gate;
        return `answer ${runs}`;
      };
      const first = f.a.run('msg-1', task);
      // the second copy arrives while the first is still running
      await expect.poll(() => runs, { timeout: 5000 }).toBe(1);
      const second = f.b.run('msg-1', task);
      release();
      const [x, y] = await Promise.all([first, second]);
      expect(runs).toBe(1);
      expect(x).toEqual({ value: 'answer 1', repeated: false });
      expect(y).toEqual({ value: 'answer 1', repeated: true });
      // a later retry is answered from the store as well
      expect(await f.b.run('msg-1', task)).toEqual({ value: 'answer 1', repeated: true });
      expect(runs).toBe(1);
    });

    it('a failed first attempt lets a retry run again, on either instance', async () => {
      const f = await fixture();
      await expect(f.a.run('msg-2', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
      expect(await f.b.run('msg-2', async () => 'ok')).toEqual({ value: 'ok', repeated: false });
    });

    it('different keys are answered apart', async () => {
      const f = await fixture();
      expect((await f.a.run('k1', async () => 'one')).value).toBe('one');
      expect(await f.b.run('k2', async () => 'two')).toEqual({ value: 'two', repeated: false });
    });
  });
}
