import { ConversationState, MemoryStorage, TestAdapter, UserState, type Activity } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { AssistantBot } from '../../bot/assistantBot.js';
import type { DialogServices } from '../../dialogs/dialogServices.js';
import { MainDialog } from '../../dialogs/mainDialog.js';
import { dialogServices } from './botHarness.js';

/**
 * The whole bot (AssistantBot: language detection, main dialog, state saved
 * each turn) on the SDK's TestAdapter, one conversation per call.
 */
export async function assistantClient(
  channelId = 'wechat',
): Promise<{ send: (activity: string | Partial<Activity>) => Promise<Partial<Activity>[]>; services: DialogServices }> {
  const storage = new MemoryStorage();
  const userState = new UserState(storage);
  const conversationState = new ConversationState(storage);
  const services = await dialogServices(userState);
  const bot = new AssistantBot(conversationState, userState, conversationState.createProperty<DialogState>('dialogState'), new MainDialog(services), services);
  const adapter = new TestAdapter(async (context) => bot.run(context), { channelId });
  const send = async (activity: string | Partial<Activity>): Promise<Partial<Activity>[]> => {
    await adapter.receiveActivity(activity);
    return adapter.activeQueue.splice(0).filter((a) => a.type === 'message');
  };
  return { send, services };
}
