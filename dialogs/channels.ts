import type { TurnContext } from 'botbuilder';

/** Channels that render Adaptive Cards and suggested actions; everything else gets numbered text. */
const CARD_CHANNELS = new Set(['webchat', 'directline', 'emulator', 'msteams']);

export function showsCards(channelId: string | undefined): boolean {
  return channelId !== undefined && CARD_CHANNELS.has(channelId);
}

/** What every channel is handed and runs for one turn: the bot's logic (channels never import the bot itself). */
export type BotLogic = (context: TurnContext) => Promise<void>;
