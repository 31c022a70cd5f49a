import { ConversationState, MemoryStorage, UserState, type Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { ChecklistBuilder } from '../../bot/answers/checklistBuilder.js';
import { ChecklistRenderer } from '../../bot/answers/checklistRenderer.js';
import { loadConfig } from '../../bot/config/config.js';
import { Localizer } from '../../bot/i18n/localizer.js';
import { DialogServices } from '../../dialogs/dialogServices.js';
import { MainDialog } from '../../dialogs/mainDialog.js';
import type { UserProfile } from '../../dialogs/userProfile.js';
import { knowledge, understandingPipeline } from './services.js';

let l10n: Promise<Localizer> | undefined;
export function localizer(): Promise<Localizer> {
  l10n ??= Localizer.load(loadConfig().localesDir);
  return l10n;
}

/** DialogServices on the real knowledge and locales, keeping the user profile in `userState`; `now` is a clock a test may move. */
export async function dialogServices(userState: UserState, now?: () => number): Promise<DialogServices> {
  const kb = await knowledge();
  const u = await understandingPipeline();
  const loc = await localizer();
  return new DialogServices(
    kb,
    u,
    loc,
    new ChecklistBuilder(kb, kb.directory),
    new ChecklistRenderer(loc),
    userState.createProperty<UserProfile>('profile'),
    now,
  );
}

/** A DialogTestClient on the real MainDialog with the real knowledge, per conversation. */
export async function mainDialogClient(channelId = 'wechat'): Promise<{ client: DialogTestClient; services: DialogServices }> {
  const storage = new MemoryStorage();
  const userState = new UserState(storage);
  const conversationState = new ConversationState(storage);
  const services = await dialogServices(userState);
  const dialog = new MainDialog(services);
  // Save user state at the end of each turn, as the bot does.
  const saveUser = {
    onTurn: async (ctx: any, next: () => Promise<void>) => {
      await next();
      await userState.saveChanges(ctx, false);
    },
  };
  const client = new DialogTestClient(channelId, dialog, undefined, [saveUser], conversationState);
  return { client, services };
}

/** Sends one message and returns every reply of that turn. */
export async function turn(client: DialogTestClient, text: string | Partial<Activity>): Promise<Partial<Activity>[]> {
  const replies: Partial<Activity>[] = [];
  let reply = await client.sendActivity(text as any);
  while (reply) {
    replies.push(reply);
    reply = client.getNextReply();
  }
  return replies;
}

export const keyOf = (a: Partial<Activity>): string | undefined => (a.channelData as { messageKey?: string } | undefined)?.messageKey;
