import { ConversationState, MemoryStorage, TestAdapter, UserState, type Activity } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { AssistantBot } from '../../bot/assistantBot.js';
import { ChecklistBuilder } from '../../bot/answers/checklistBuilder.js';
import { ChecklistRenderer } from '../../bot/answers/checklistRenderer.js';
import { DialogServices } from '../../dialogs/dialogServices.js';
import { MainDialog } from '../../dialogs/mainDialog.js';
import type { UserProfile } from '../../dialogs/userProfile.js';
import { localizer } from './botHarness.js';
import { knowledge, understandingPipeline } from './services.js';

/**
 * The whole bot (AssistantBot: language detection, main dialog, state saved
 * each turn) on the SDK's TestAdapter, one conversation per call.
 */
export async function assistantClient(channelId = 'wechat'): Promise<{ send: (activity: string | Partial<Activity>) => Promise<Partial<Activity>[]>; services: DialogServices }> {
  const kb = await knowledge();
  const u = await understandingPipeline();
  const l10n = await localizer();
  const storage = new MemoryStorage();
  const userState = new UserState(storage);
  const conversationState = new ConversationState(storage);
  const services = new DialogServices(kb, u, l10n, new ChecklistBuilder(kb, u.offices), new ChecklistRenderer(l10n), userState.createProperty<UserProfile>('profile'));
  const bot = new AssistantBot(conversationState, userState, conversationState.createProperty<DialogState>('dialogState'), new MainDialog(services), services);
  const adapter = new TestAdapter(async (context) => bot.run(context), { channelId });
  const send = async (activity: string | Partial<Activity>): Promise<Partial<Activity>[]> => {
    await adapter.receiveActivity(activity);
    return adapter.activeQueue.splice(0).filter((a) => a.type === 'message');
  };
  return { send, services };
}
