import { describe, expect, it } from 'vitest';
import { SeenVersions } from '../../bot/redis/seenVersions.js';

describe('SeenVersions', () => {
  it('moves its floor only over numbers all seen, in whatever order they came', () => {
    const seen = new SeenVersions(2);
    seen.saw(4);
    seen.saw(5);
    expect(seen.floor).toBe(2);
    seen.saw(3);
    expect(seen.floor).toBe(5);
    seen.saw(5);
    seen.saw(1);
    expect(seen.floor).toBe(5);
  });

  it('after a re-read counts everything up to it as seen, and keeps what was seen above', () => {
    const seen = new SeenVersions(0);
    seen.saw(2);
    seen.saw(9);
    seen.caughtUpTo(8);
    expect(seen.floor).toBe(9);
    seen.caughtUpTo(3);
    expect(seen.floor).toBe(9);
  });
});
