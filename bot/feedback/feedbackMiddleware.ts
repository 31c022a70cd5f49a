import { ActivityTypes, type Activity, type BotState, type CardAction, type Middleware, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { showsCards } from '../../dialogs/channels.js';
import { START_QUERY_EVENT } from '../assistantBot.js';
import type { DialogServices } from '../../dialogs/dialogServices.js';
import type { Logger } from '../logging/logger.js';
import type { NewReviewEvent, ReviewLog } from './reviewLog.js';

/** What the middleware remembers of a conversation, in its conversation state. */
export interface FeedbackState {
  /** the opening question of the matter being answered */
  opening?: { question: string };
  /** a question answered with a choice of matters, until the person picks or gives up */
  ambiguous?: { question: string; guesses: number[] };
  /** the last checklist, until the person rates it */
  awaiting?: { matter: number; question: string };
}

type Vote = 'up' | 'down';

/** Replies that end an ambiguous question without a pick: 都不是, 重新开始, 转人工, a new question the bot could not place. */
const GAVE_UP = new Set(['askWhat', 'restarted', 'notFound', 'humanNeedsPlace', 'human']);

/**
 * Feedback and knowledge gaps, watched from outside the dialogs by the message keys of the
 * bot's replies (channelData.messageKey), so no dialog needs to know about it:
 * - every opening question is counted with its outcome (match / ambiguous / none);
 * - `none`, and `ambiguous` that ends without a pick, go to the review queue;
 * - after each checklist the bot asks 有帮助 / 没帮助 (buttons on card channels, words on text
 *   channels); the answer (those words, or a value `{ feedback: 'up'|'down' }`) is recorded
 *   with the matter and the opening question, 没帮助 also into the review queue, and
 *   acknowledged without running the dialogs.
 * Records are on disk before the turn ends, so an acknowledged reply means a stored record.
 * Register it after PiiMaskingMiddleware: it only ever sees masked text.
 */
export class FeedbackMiddleware implements Middleware {
  private readonly state: StatePropertyAccessor<FeedbackState>;

  constructor(
    private readonly conversationState: BotState,
    private readonly services: DialogServices,
    private readonly log: ReviewLog,
    private readonly logger: Logger,
  ) {
    this.state = conversationState.createProperty<FeedbackState>('feedback');
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const a = context.activity;
    const vote = a.type === ActivityTypes.Message ? this.voteIn(a) : undefined;
    if (vote) {
      const state = await this.state.get(context, {});
      const matter = vote.matter ?? state.awaiting?.matter;
      if (matter !== undefined) {
        // Not through record(): a vote that cannot be stored must not be acknowledged.
        await this.log.append(await this.event(context, { kind: 'feedback', value: vote.value, matter, question: state.awaiting?.question ?? '' }));
        delete state.awaiting;
        await this.state.set(context, state);
        await this.conversationState.saveChanges(context, false);
        await this.services.say(context, vote.value === 'up' ? 'feedback:thanks' : 'feedback:noted');
        return;
      }
    }

    // 有帮助 with nothing to rate goes on to the bot, but it is not a question for the review queue.
    const text = vote ? '' : incomingQuestion(a);
    let checklistMatter: number | undefined;
    context.onSendActivities(async (ctx, activities, sendNext) => {
      const keys = activities.map((x) => (x.channelData as { messageKey?: unknown } | undefined)?.messageKey);
      const checklist = activities.find((_x, i) => keys[i] === 'checklist');
      if (keys.some((k) => k === 'notFound' || k === 'ambiguous' || k === 'matterStart' || k === 'checklist' || (typeof k === 'string' && GAVE_UP.has(k)))) {
        await this.observe(ctx, text, keys.filter((k): k is string => typeof k === 'string'), checklist);
      }
      if (checklist) checklistMatter = matterOf(checklist);
      return sendNext();
    });
    await next();
    if (checklistMatter !== undefined) await context.sendActivity(await this.ask(context, checklistMatter));
  }

  /** Bookkeeping for one batch of replies; runs before the bot saves its state, so changes are saved with it. */
  private async observe(context: TurnContext, text: string, keys: string[], checklist: Partial<Activity> | undefined): Promise<void> {
    const state = await this.state.get(context, {});
    const has = (k: string): boolean => keys.includes(k);
    if (state.ambiguous && !has('ambiguous')) {
      if (has('matterStart')) {
        state.opening = { question: state.ambiguous.question };
        delete state.ambiguous;
      } else if (keys.some((k) => GAVE_UP.has(k))) {
        await this.record(context, { kind: 'gap', reason: 'ambiguous', question: state.ambiguous.question, guesses: state.ambiguous.guesses });
        delete state.ambiguous;
      }
    } else if (text !== '' && has('matterStart')) {
      await this.record(context, { kind: 'question', outcome: 'match', question: text, guesses: this.guesses(context, text) });
      state.opening = { question: text };
    }
    if (text !== '' && has('ambiguous')) {
      const guesses = this.guesses(context, text);
      await this.record(context, { kind: 'question', outcome: 'ambiguous', question: text, guesses });
      state.ambiguous = { question: text, guesses };
    }
    if (text !== '' && has('notFound')) {
      const guesses = this.guesses(context, text);
      await this.record(context, { kind: 'question', outcome: 'none', question: text, guesses });
      await this.record(context, { kind: 'gap', reason: 'none', question: text, guesses });
    }
    const matter = checklist ? matterOf(checklist) : undefined;
    if (matter !== undefined) state.awaiting = { matter, question: state.opening?.question ?? '' };
    // A new question started: 有帮助 from now on would rate something the person has moved on from.
    else if (has('matterStart') || has('ambiguous') || has('notFound')) delete state.awaiting;
    await this.state.set(context, state);
  }

  private async ask(context: TurnContext, matter: number): Promise<Partial<Activity>> {
    const cards = showsCards(context.activity.channelId);
    const reply = await this.services.message(context, cards ? 'feedback:ask' : 'feedback:askText');
    reply.channelData = { messageKey: 'feedbackAsk', matter };
    if (cards) {
      const button = async (value: Vote): Promise<CardAction> => {
        const title = await this.services.t(context, `feedback:${value}`);
        return { type: 'messageBack', title, text: title, displayText: title, value: { feedback: value, matter } };
      };
      reply.suggestedActions = { to: [], actions: [await button('up'), await button('down')] };
    }
    return reply;
  }

  private voteIn(a: Partial<Activity>): { value: Vote; matter?: number } | undefined {
    const v = a.value as { feedback?: unknown; matter?: unknown } | undefined;
    if (v && typeof v === 'object' && (v.feedback === 'up' || v.feedback === 'down')) {
      const matter = typeof v.matter === 'number' && this.services.knowledge.matter(v.matter) ? v.matter : undefined;
      return { value: v.feedback, matter };
    }
    const value = (['up', 'down'] as const).find((v) => this.services.l10n.isWord(a.text ?? '', v, 'feedback'));
    return value ? { value } : undefined;
  }

  private guesses(context: TurnContext, text: string): number[] {
    const found = this.services.understand(context, text);
    return (found.matches.length > 0 ? found.matches : found.nearest).slice(0, 3).map((m) => m.matter.no);
  }

  private async event(context: TurnContext, event: Omit<NewReviewEvent, 'channel' | 'conversationId' | 'lang'>): Promise<NewReviewEvent> {
    return {
      ...event,
      question: event.question.slice(0, 500),
      channel: context.activity.channelId ?? 'unknown',
      conversationId: context.activity.conversation?.id ?? '',
      lang: await this.services.lang(context),
    };
  }

  private async record(context: TurnContext, event: Omit<NewReviewEvent, 'channel' | 'conversationId' | 'lang'>): Promise<void> {
    try {
      await this.log.append(await this.event(context, event));
    } catch (err) {
      // The person still gets their answer; the editors lose one record, which the log says.
      this.logger.error({ err, kind: event.kind }, 'could not record a review event');
    }
  }
}

function incomingQuestion(a: Partial<Activity>): string {
  if (a.type === ActivityTypes.Message) return (a.text ?? '').trim();
  if (a.type === ActivityTypes.Event && a.name === START_QUERY_EVENT && typeof a.value === 'string') return a.value.trim();
  return '';
}

function matterOf(checklist: Partial<Activity>): number | undefined {
  const no = (checklist.channelData as { checklist?: { no?: unknown } } | undefined)?.checklist?.no;
  return typeof no === 'number' ? no : undefined;
}
