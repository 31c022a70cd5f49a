import { ActivityTypes, type Activity, type BotState, type CardAction, type Middleware, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { showsCards } from '../../dialogs/channels.js';
import type { ConversationEvent } from '../../dialogs/conversationEvents.js';
import type { DialogServices } from '../../dialogs/dialogServices.js';
import { NextSteps, type NextStepsFor } from '../../dialogs/nextSteps.js';
import type { Logger } from '../logging/logger.js';
import type { NewReviewEvent } from './reviewLog.js';
import type { ReviewStore } from './reviewStore.js';

/** What the middleware remembers of a conversation, in its conversation state. */
export interface FeedbackState {
  /** the opening question of the matter being answered */
  opening?: { question: string };
  /** the last checklist, until the person rates it; what to offer after the rating */
  awaiting?: { matter: number; question: string } & Partial<NextStepsFor>;
}

type Vote = 'up' | 'down';

/** the matter of a checklist sent this turn, to ask for a rating once the turn's replies are out */
const CHECKLIST_SENT = Symbol('checklistSent');

/**
 * Feedback and knowledge gaps, from the conversation events the dialogs report
 * (services.events), never from the message keys of the replies:
 * - every opening question is counted with its outcome (match / ambiguous / none; `unsure`,
 *   a `none` whose close matters were offered, counts as none);
 * - `none` and `unsure` go to the review queue at once, `ambiguous` when its offer is left
 *   without a pick; small talk (greetings, thanks …) never does;
 * - after each checklist the bot asks 有帮助 / 没帮助 (buttons on card channels, words on text
 *   channels); the answer (those words, or a value `{ feedback: 'up'|'down' }`) is recorded
 *   with the matter and the opening question, 没帮助 also into the review queue, and
 *   acknowledged without running the dialogs, with the next steps offered.
 * Records are on disk before the turn ends, so an acknowledged reply means a stored record.
 * Register it after PiiMaskingMiddleware: it only ever sees masked text.
 */
export class FeedbackMiddleware implements Middleware {
  private readonly state: StatePropertyAccessor<FeedbackState>;
  private readonly nextSteps: NextSteps;

  constructor(
    private readonly conversationState: BotState,
    private readonly services: DialogServices,
    private readonly log: ReviewStore,
    private readonly logger: Logger,
  ) {
    this.state = conversationState.createProperty<FeedbackState>('feedback');
    this.nextSteps = new NextSteps(services);
    services.events.listen((context, event) => this.observe(context, event));
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const a = context.activity;
    const vote = a.type === ActivityTypes.Message ? this.voteIn(a) : undefined;
    if (vote) {
      const state = await this.state.get(context, {});
      const awaiting = state.awaiting;
      const matter = vote.matter ?? awaiting?.matter;
      if (matter !== undefined) {
        // Not through record(): a vote that cannot be stored must not be acknowledged.
        await this.log.append(await this.event(context, { kind: 'feedback', value: vote.value, matter, question: awaiting?.question ?? '' }));
        delete state.awaiting;
        await this.state.set(context, state);
        await this.conversationState.saveChanges(context, false);
        const reply = await this.services.message(context, vote.value === 'up' ? 'feedback:thanks' : 'feedback:noted');
        const related = awaiting?.matter === matter ? (awaiting.related ?? []) : (this.services.knowledge.matter(matter)?.related.map((r) => r.no) ?? []);
        await context.sendActivity(await this.nextSteps.attach(context, reply, { related, office: awaiting?.office }));
        return;
      }
    }
    // 有帮助 with nothing to rate goes on to the bot, which takes it for small talk.
    await next();
    const sent = context.turnState.get(CHECKLIST_SENT) as number | undefined;
    if (sent !== undefined) await context.sendActivity(await this.ask(context, sent));
  }

  /** Bookkeeping for one conversation event; runs inside the turn, before the bot saves its state. */
  private async observe(context: TurnContext, e: ConversationEvent): Promise<void> {
    const state = await this.state.get(context, {});
    switch (e.type) {
      case 'opened': {
        const outcome = e.outcome === 'unsure' ? 'none' : e.outcome;
        await this.record(context, { kind: 'question', outcome, question: e.question, guesses: e.guesses });
        if (outcome === 'none') await this.record(context, { kind: 'gap', reason: 'none', question: e.question, guesses: e.guesses });
        if (e.outcome === 'match') state.opening = { question: e.question };
        // A new question: 有帮助 from now on would rate something the person has moved on from.
        delete state.awaiting;
        break;
      }
      case 'categoryOpened':
        delete state.awaiting;
        break;
      case 'offerAccepted':
        state.opening = { question: e.question };
        break;
      case 'offerAbandoned':
        // `unsure` is queued when asked; a category is not a question.
        if (e.offer === 'ambiguous') await this.record(context, { kind: 'gap', reason: 'ambiguous', question: e.question, guesses: e.guesses });
        break;
      case 'checklistSent':
        state.awaiting = { matter: e.matter, question: state.opening?.question ?? '', related: e.related, ...(e.office ? { office: e.office } : {}) };
        context.turnState.set(CHECKLIST_SENT, e.matter);
        break;
      case 'handedToPerson':
      case 'smallTalk':
        // Neither is a question for the review queue.
        return;
    }
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
