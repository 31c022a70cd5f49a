import { ActivityTypes, BotAdapter, INVOKE_RESPONSE_KEY, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import type { BotLogic } from '../../dialogs/channels.js';

export const WECHAT_CHANNEL_ID = 'wechat';
const OUTGOING = Symbol('wechatOutgoing');

/**
 * Runs the bot for a WeChat Official Account. WeChat accepts one passive reply
 * per message and nothing later, so a turn's messages are collected and handed
 * back to the caller, which turns them into that one reply. The caller
 * serialises turns per user.
 */
export class WeChatAdapter extends BotAdapter {
  readonly bot: { id: string; name: string; role: string };
  private turnCount = 0;

  constructor(options: { bot?: { id: string; name?: string } } = {}) {
    super();
    this.bot = { id: options.bot?.id ?? 'bot', name: options.bot?.name ?? 'Bot', role: 'bot' };
  }

  /** How many turns the bot has run (replayed requests must not add to it). */
  get turns(): number {
    return this.turnCount;
  }

  /** Runs one turn (middleware, then `logic`; errors go to onTurnError) and returns the messages it sent. */
  async processActivity(activity: Partial<Activity>, logic: BotLogic): Promise<Partial<Activity>[]> {
    if (!activity.from?.id) throw new TypeError('WeChatAdapter.processActivity: activity.from.id is required');
    const request = {
      channelId: WECHAT_CHANNEL_ID,
      serviceUrl: 'urn:wechat:passive-reply',
      recipient: this.bot,
      conversation: { id: activity.from.id },
      timestamp: new Date(),
      ...activity,
    } as Activity;
    const context = new TurnContext(this, request);
    const outgoing: Partial<Activity>[] = [];
    context.turnState.set(OUTGOING, outgoing);
    this.turnCount += 1;
    await this.runMiddleware(context, logic);
    return outgoing;
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const outgoing = context.turnState.get(OUTGOING) as Partial<Activity>[] | undefined;
    if (!outgoing) throw new Error('WeChatAdapter: sendActivities outside a turn started by processActivity');
    return activities.map((activity) => {
      switch (activity.type ?? ActivityTypes.Message) {
        case ActivityTypes.Message:
          outgoing.push(activity);
          return { id: String(outgoing.length) };
        case ActivityTypes.InvokeResponse:
          context.turnState.set(INVOKE_RESPONSE_KEY, activity);
          return { id: '' };
        default:
          // typing, delay, trace: a passive reply has no room for them.
          return { id: '' };
      }
    });
  }

  override async updateActivity(): Promise<void> {
    throw new Error('WeChatAdapter: a passive reply cannot be edited once sent');
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('WeChatAdapter: a passive reply cannot be deleted once sent');
  }

  /** Proactive messages need WeChat's customer-service API over the internet, which this service does not use. */
  override async continueConversation(_reference: Partial<ConversationReference>, _logic: BotLogic): Promise<void> {
    throw new Error('WeChatAdapter: proactive messages need the customer-service API; only passive replies are supported');
  }
}
