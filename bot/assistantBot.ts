import { ActivityHandler, type BotState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { DialogSet, runDialog, type Dialog, type DialogState } from 'botbuilder-dialogs';
import type { DialogServices } from '../dialogs/dialogServices.js';
import type { MainOptions } from '../dialogs/mainDialog.js';
import { PAGE_EVENTS, START_QUERY_EVENT } from '../dialogs/pageEvents.js';
import { Localizer } from './i18n/localizer.js';

/**
 * The bot: welcomes people, detects Tibetan script, runs the main dialog and
 * saves state at the end of every turn. Knows nothing of channels or the SDK's
 * adapters, so a move to another Activity-protocol SDK touches bot/ only.
 */
export class AssistantBot extends ActivityHandler {
  constructor(
    private readonly conversationState: BotState,
    private readonly userState: BotState,
    private readonly dialogState: StatePropertyAccessor<DialogState>,
    private readonly mainDialog: Dialog,
    private readonly services: DialogServices,
  ) {
    super();

    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id !== context.activity.recipient.id) await this.welcome(context);
      }
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.detectLanguage(context);
      await runDialog(this.mainDialog, context, this.dialogState);
      await next();
    });

    this.onEvent(async (context, next) => {
      const { name, value } = context.activity;
      if (name === START_QUERY_EVENT && typeof value === 'string' && value.trim() !== '') await this.startQuery(context, value);
      // The pages' events (转人工, the kiosk's hall) are the main dialog's to answer.
      else if (name !== undefined && PAGE_EVENTS.has(name)) await runDialog(this.mainDialog, context, this.dialogState);
      await next();
    });

    this.onDialog(async (context, next) => {
      await this.conversationState.saveChanges(context, false);
      await this.userState.saveChanges(context, false);
      await next();
    });
  }

  async welcome(context: TurnContext): Promise<void> {
    const s = this.services;
    await s.say(context, 'welcome');
    const reply = await s.message(context, 'welcomeCategories');
    reply.suggestedActions = { to: [], actions: s.categoryActions(await s.lang(context)) };
    await context.sendActivity(reply);
  }

  /** A menu button means "start this", even in the middle of another question. */
  private async startQuery(context: TurnContext, text: string): Promise<void> {
    const dialogs = new DialogSet(this.dialogState).add(this.mainDialog);
    const dc = await dialogs.createContext(context);
    await dc.cancelAllDialogs();
    await dc.beginDialog(this.mainDialog.id, { text } satisfies MainOptions);
  }

  private async detectLanguage(context: TurnContext): Promise<void> {
    const detected = Localizer.detect(context.activity.text ?? '');
    if (!detected) return;
    const profile = await this.services.getProfile(context);
    if (profile.lang !== detected) {
      profile.lang = detected;
      await this.services.profile.set(context, profile);
    }
  }
}
