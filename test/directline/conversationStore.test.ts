import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { DEFAULT_STORE_LIMITS, MemoryConversationStore, type ConversationStore } from '../../bot/directline/conversationStore.js';
import { conversationStoreContract } from './conversationStoreContract.js';

// The embedded driver in memory alone (without DIRECTLINE_SECRET): one store, so every client is it.
conversationStoreContract('MemoryConversationStore', async () => {
  let store: ConversationStore | undefined;
  return {
    client: async (options) => (store ??= new MemoryConversationStore(options)),
    close: async () => undefined,
  };
});

describe('MemoryConversationStore', () => {
  it("the configuration's defaults are the store's, and a conversation budget beyond the total stops start-up", () => {
    const { pollsPerSecond, maxSockets: _sockets, socketsPerConversation: _perConversation, ...store } = loadConfig({}).directLine;
    const { maxActivitiesPerConversation: _notConfigurable, ...limits } = DEFAULT_STORE_LIMITS;
    expect(store).toEqual(limits);
    expect(pollsPerSecond).toBe(5);
    expect(loadConfig({ DIRECTLINE_CONVERSATION_MAX_KB: '16', DIRECTLINE_TOTAL_MAX_MB: '0.5' }).directLine).toMatchObject({
      maxBytesPerConversation: 16 * 1024,
      maxTotalBytes: 512 * 1024,
    });
    expect(() => loadConfig({ DIRECTLINE_CONVERSATION_MAX_KB: '2048', DIRECTLINE_TOTAL_MAX_MB: '1' })).toThrow(/DIRECTLINE_CONVERSATION_MAX_KB/);
    expect(() => loadConfig({ DIRECTLINE_MAX_CONVERSATIONS: '0' })).toThrow(/DIRECTLINE_MAX_CONVERSATIONS/);
  });

  it('refuses nonsense limits', () => {
    expect(() => new MemoryConversationStore({ maxConversations: 0 })).toThrow(/maxConversations/);
    expect(() => new MemoryConversationStore({ idleTtlMs: Number.NaN })).toThrow(/idleTtlMs/);
    expect(() => new MemoryConversationStore({ maxBytesPerConversation: 2000, maxTotalBytes: 1000 })).toThrow(/maxTotalBytes/);
  });
});
