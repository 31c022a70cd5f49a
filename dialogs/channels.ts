/** Channels that render Adaptive Cards and suggested actions; everything else gets numbered text. */
const CARD_CHANNELS = new Set(['webchat', 'directline', 'emulator', 'msteams']);

export function showsCards(channelId: string | undefined): boolean {
  return channelId !== undefined && CARD_CHANNELS.has(channelId);
}
