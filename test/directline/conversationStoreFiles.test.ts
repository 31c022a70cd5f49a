import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryConversationStore, type ConversationStore } from '../../bot/directline/conversationStore.js';
import { conversationStoreContract } from './conversationStoreContract.js';

// The embedded driver with its files (DIRECTLINE_SECRET set): the same contract on real files.
conversationStoreContract('MemoryConversationStore with files under DATA_DIR', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'dl-store-'));
  let store: Promise<MemoryConversationStore> | undefined;
  return {
    client: async (options) => (store ??= MemoryConversationStore.open({ ...options, dir })),
    close: async () => {
      await (await store)?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('the embedded store across a restart', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dl-restart-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back every conversation as it was: log, positions, started; idle ones and deleted ones are gone', async () => {
    let now = 1_000_000;
    const first: ConversationStore = await MemoryConversationStore.open({ dir, idleTtlMs: 10_000, now: () => now });
    const kept = await first.create();
    await first.markStarted(kept.id);
    await first.append(kept.id, { type: 'message', text: '你好' });
    const second = await first.append(kept.id, { type: 'message', text: '江孜县' });
    await first.replaceActivity(kept.id, { id: second!.id, text: '江孜县（改）' });
    const deleted = await first.create();
    await first.delete(deleted.id);
    now += 5000;
    const recent = await first.create();
    await first.append(recent.id, { type: 'message', text: 'recent' });
    const before = await first.activitiesAfter(kept.id, 0, 100);
    await first.close();
    const snapshot = await copyOf(dir);

    // Read back at once: everything as it was, and positions go on.
    const again = await MemoryConversationStore.open({ dir: snapshot, idleTtlMs: 10_000, now: () => now });
    expect(await again.activitiesAfter(kept.id, 0, 100)).toEqual(before);
    expect(await again.get(deleted.id)).toBeUndefined();
    expect(await again.append(kept.id, { type: 'message', text: 'next' })).toMatchObject({ id: `${kept.id}|0000004` });
    expect(await again.markStarted(kept.id)).toBe(false);
    await again.close();
    await rm(snapshot, { recursive: true, force: true });

    now += 6000; // kept was last written 11 s ago: past its idle time; recent 6 s ago
    const idleGone = await MemoryConversationStore.open({ dir, idleTtlMs: 10_000, now: () => now });
    expect(await idleGone.get(kept.id)).toBeUndefined();
    expect((await idleGone.activitiesAfter(recent.id, 0, 10))?.activities.map((a) => a.text)).toEqual(['recent']);
    expect(await readdir(dir)).toEqual([`${recent.id}.json`]);
    await idleGone.close();
  });

  it('sets a broken file aside (copy kept) and starts with the others', async () => {
    const store = await MemoryConversationStore.open({ dir });
    const good = await store.create();
    await store.append(good.id, { type: 'message', text: 'ok' });
    await store.close();
    await writeFile(path.join(dir, 'AAAAAAAAAAAAAAAAAAAAAAAA.json'), '{"id": "truncated');
    const reopened = await MemoryConversationStore.open({ dir });
    expect((await reopened.activitiesAfter(good.id, 0, 10))?.activities.map((a) => a.text)).toEqual(['ok']);
    const names = await readdir(dir);
    expect(names).not.toContain('AAAAAAAAAAAAAAAAAAAAAAAA.json');
    expect(names.some((n) => n.startsWith('AAAAAAAAAAAAAAAAAAAAAAAA.json.corrupt-'))).toBe(true);
  });
});

/** The files of `dir` in a new folder, as a second deployment reading the same DATA_DIR before the first idled out. */
async function copyOf(dir: string): Promise<string> {
  const copy = await mkdtemp(path.join(tmpdir(), 'dl-copy-'));
  for (const name of await readdir(dir)) await writeFile(path.join(copy, name), await readFile(path.join(dir, name)));
  return copy;
}
