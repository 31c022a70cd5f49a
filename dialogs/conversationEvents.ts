import type { TurnContext } from 'botbuilder';

/** The kinds of small talk the assistant answers (their words and answers are in locales/*: bot.json). */
export type SmallTalkTopic = 'complaint' | 'confused' | 'identity' | 'goodbye' | 'thanks' | 'praise' | 'greeting';

/** How a question was understood: `unsure` is `none` with close matters, offered to the person. */
export type OpenedOutcome = 'match' | 'ambiguous' | 'unsure' | 'none';

/** What a choice of matters was offered for. */
export type OfferKind = 'ambiguous' | 'unsure' | 'category';

/**
 * What happened in a conversation, said by the dialogs as it happens. Listeners (the review
 * queue, feedback) read these, never the message keys of the replies, which are for rendering.
 */
export type ConversationEvent =
  /** a new question, with what the understanding made of it and its best guesses (matter numbers) */
  | { type: 'opened'; question: string; outcome: OpenedOutcome; guesses: number[] }
  /** a category named or clicked: its matters are offered; not a question */
  | { type: 'categoryOpened'; question: string; category: string }
  /** the person picked one of the offered matters */
  | { type: 'offerAccepted'; question: string; matter: number; offer: OfferKind }
  /** the offer ended without a pick: 都不是, 重新开始, 转人工, a menu click */
  | { type: 'offerAbandoned'; question: string; guesses: number[]; offer: OfferKind }
  /** a checklist was sent; `related` are the matters it links, `office` the office it names */
  | { type: 'checklistSent'; matter: number; related: number[]; office?: string }
  /** the person was given a person to talk to: this office's phones */
  | { type: 'handedToPerson'; office: string }
  | { type: 'smallTalk'; topic: SmallTalkTopic };

export type ConversationListener = (context: TurnContext, event: ConversationEvent) => Promise<void>;

/**
 * The dialogs' typed report of what happened. Listeners run in order inside the turn, before
 * state is saved, so what they store is saved with the turn.
 */
export class ConversationEvents {
  private readonly listeners: ConversationListener[] = [];

  listen(listener: ConversationListener): void {
    this.listeners.push(listener);
  }

  async emit(context: TurnContext, event: ConversationEvent): Promise<void> {
    for (const listener of this.listeners) await listener(context, event);
  }
}
