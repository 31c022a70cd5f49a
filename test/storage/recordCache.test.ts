import { describe, expect, it } from 'vitest';
import { RecordCache, type CachedRecord } from '../../bot/storage/recordCache.js';

const record = (itemJson: string): CachedRecord => ({ key: 'k', eTag: 'e', savedAt: 1, touchedAt: 1, itemJson });

describe('RecordCache', () => {
  it('answers only at the stamp it was given, and drops a stale entry', () => {
    const cache = new RecordCache();
    cache.set('/a', 'stamp-1', record('{}'));
    expect(cache.get('/a', 'stamp-2')).toBeUndefined();
    expect(cache.get('/a', 'stamp-1')).toBeUndefined(); // the stale look dropped it
    cache.set('/a', 'stamp-1', record('{}'));
    expect(cache.get('/a', 'stamp-1')?.itemJson).toBe('{}');
    expect(cache.hits).toBe(1);
  });

  it('stays within its count and size, least recently used out first', () => {
    const cache = new RecordCache({ maxEntries: 3, maxChars: 10 });
    for (const f of ['/1', '/2', '/3']) cache.set(f, 's', record('ab'));
    cache.get('/1', 's'); // used: /2 is now the oldest
    cache.set('/4', 's', record('ab'));
    expect(cache.size).toBe(3);
    expect(cache.get('/2', 's')).toBeUndefined();
    expect(cache.get('/1', 's')).toBeDefined();
    cache.set('/5', 's', record('abcdefgh')); // 8 chars: the two least recently used (/3, /4) go to stay within 10
    expect(cache.size).toBe(2);
    expect(cache.get('/1', 's')).toBeDefined();
    cache.set('/6', 's', record('x'.repeat(11))); // bigger than the whole budget: not kept
    expect(cache.get('/6', 's')).toBeUndefined();
  });
});
