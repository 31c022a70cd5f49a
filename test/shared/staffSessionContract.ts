import { describe, expect, it } from 'vitest';
import { fixtureEach } from './fixtureEach.js';
import type { StaffSessionStore } from '../../bot/server/staffSessionStore.js';

export interface StaffSessionFixture {
  /** a store as one instance has it */
  store: StaffSessionStore;
  /** another instance's store on the same backing (same folder / same Redis) */
  other(): Promise<StaffSessionStore>;
  close(): Promise<void>;
}

/** What every StaffSessionStore driver promises; run against the files and against Redis. */
export function staffSessionContract(name: string, make: () => Promise<StaffSessionFixture>): void {
  describe(`StaffSessionStore contract: ${name}`, () => {
    const fixture = fixtureEach(make);

    it('a session is live until its end, and not from its end on', async () => {
      const f = await fixture();
      const end = Date.now() + 60_000;
      await f.store.add('s1', end);
      expect(await f.store.isLive('s1', Date.now())).toBe(true);
      expect(await f.store.isLive('s1', end)).toBe(false);
      expect(await f.store.isLive('never-made', Date.now())).toBe(false);
    });

    it('a session made by one instance is live on another, and revoked there by a sign-out on the first', async () => {
      const f = await fixture();
      const other = await f.other();
      await f.store.add('shared', Date.now() + 60_000);
      expect(await other.isLive('shared', Date.now())).toBe(true);
      await f.store.remove('shared');
      expect(await other.isLive('shared', Date.now())).toBe(false);
      // revoking an unknown session is not an error
      await expect(other.remove('unknown')).resolves.toBeUndefined();
    });

    it('a sweep keeps live sessions', async () => {
      const f = await fixture();
      await f.store.add('kept', Date.now() + 60_000);
      await f.store.sweep();
      expect(await f.store.isLive('kept', Date.now())).toBe(true);
    });
  });
}
