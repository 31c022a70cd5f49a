import { setTimeout as sleep } from 'node:timers/promises';
import {
  ActivityTypes,
  BotAdapter,
  INVOKE_RESPONSE_KEY,
  TurnContext,
  type Activity,
  type ChannelAccount,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { ConversationStore } from './conversationStore.js';
import { KeyedMutex } from '../storage/keyedMutex.js';
import type { BotLogic } from '../../dialogs/channels.js';

export interface DirectLineAdapterOptions {
  /** the conversations and their activity logs, shared with the router */
  store: ConversationStore;
  /** who the bot is in every activity; defaults to { id: 'bot', name: 'Bot' } */
  bot?: { id: string; name?: string };
  channelId?: string;
  /** put on activities so conversation references are complete; nothing calls it */
  serviceUrl?: string;
  /** longest `delay` activity honoured, in ms */
  maxDelayMs?: number;
}

export const DIRECT_LINE_CHANNEL_ID = 'directline';

/**
 * Runs the bot in process for our own Direct Line endpoint: turns come from the
 * router, and whatever the bot sends is appended to the conversation's log for
 * the client to poll. Turns of one conversation run one at a time.
 */
export class DirectLineAdapter extends BotAdapter {
  readonly store: ConversationStore;
  readonly bot: ChannelAccount;
  readonly channelId: string;
  readonly serviceUrl: string;
  private readonly maxDelayMs: number;
  private readonly queue = new KeyedMutex();

  constructor(options: DirectLineAdapterOptions) {
    super();
    this.store = options.store;
    this.bot = { id: options.bot?.id ?? 'bot', name: options.bot?.name ?? 'Bot', role: 'bot' };
    this.channelId = options.channelId ?? DIRECT_LINE_CHANNEL_ID;
    this.serviceUrl = options.serviceUrl ?? 'urn:directline:in-process';
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
  }

  /**
   * Runs one turn for an incoming activity: middleware, then `logic`. Errors go to
   * `onTurnError` when set (as on CloudAdapter), otherwise they reject.
   */
  async processActivity(activity: Partial<Activity>, logic: BotLogic): Promise<void> {
    const conversationId = activity.conversation?.id;
    if (!conversationId) throw new TypeError('DirectLineAdapter.processActivity: activity.conversation.id is required');
    const request = { channelId: this.channelId, serviceUrl: this.serviceUrl, recipient: this.bot, ...activity } as Activity;
    await this.queue.run([conversationId], () => this.runMiddleware(new TurnContext(this, request), logic));
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      switch (activity.type) {
        case 'delay': {
          const ms = typeof activity.value === 'number' ? activity.value : 1000;
          await sleep(Math.max(0, Math.min(ms, this.maxDelayMs)));
          responses.push({ id: '' });
          break;
        }
        case ActivityTypes.InvokeResponse:
          context.turnState.set(INVOKE_RESPONSE_KEY, activity);
          responses.push({ id: '' });
          break;
        case ActivityTypes.Trace:
          // Traces are for the Emulator; a Direct Line client would only have to hide them.
          responses.push({ id: '' });
          break;
        default: {
          const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
          const { id: _ignored, ...rest } = activity;
          const stored = await this.store.append(conversationId, {
            ...rest,
            type: activity.type ?? ActivityTypes.Message,
            channelId: this.channelId,
            serviceUrl: this.serviceUrl,
            conversation: { ...activity.conversation, id: conversationId },
            from: { ...this.bot },
            timestamp: new Date().toISOString(),
          });
          if (!stored) throw new Error(`DirectLineAdapter: conversation ${conversationId} no longer exists`);
          responses.push({ id: stored.id });
        }
      }
    }
    return responses;
  }

  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
    if (!activity.id) throw new TypeError('DirectLineAdapter.updateActivity: activity.id is required');
    const stored = await this.store.replaceActivity(conversationId, {
      ...activity,
      id: activity.id,
      from: { ...this.bot },
      conversation: { ...activity.conversation, id: conversationId },
    });
    if (!stored) throw new Error(`DirectLineAdapter.updateActivity: no activity ${activity.id} in conversation ${conversationId}`);
    return { id: stored.id };
  }

  override async deleteActivity(context: TurnContext, reference: Partial<ConversationReference>): Promise<void> {
    const conversationId = reference.conversation?.id ?? context.activity.conversation.id;
    if (!reference.activityId) throw new TypeError('DirectLineAdapter.deleteActivity: reference.activityId is required');
    const deleted = await this.store.deleteActivity(conversationId, reference.activityId);
    if (!deleted) throw new Error(`DirectLineAdapter.deleteActivity: no activity ${reference.activityId} in conversation ${conversationId}`);
  }

  /** Proactive messages: runs `logic` with a context for the referenced conversation. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: BotLogic): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId) throw new TypeError('DirectLineAdapter.continueConversation: reference.conversation.id is required');
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'ContinueConversation' },
      { channelId: this.channelId, serviceUrl: this.serviceUrl, bot: this.bot, ...reference } as Partial<ConversationReference>,
      true,
    );
    await this.queue.run([conversationId], () => this.runMiddleware(new TurnContext(this, activity), logic));
  }

  /** CloudAdapter's form; there is no authentication in process, so the app id / claims and audience are ignored. */
  override async continueConversationAsync(
    _botAppIdOrClaims: unknown,
    reference: Partial<ConversationReference>,
    logicOrAudience: BotLogic | string,
    maybeLogic?: BotLogic,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (!logic) throw new TypeError('DirectLineAdapter.continueConversationAsync: logic is required');
    await this.continueConversation(reference, logic);
  }
}
