import { CardFactory, MessageFactory, type Activity, type CardAction, type TurnContext } from 'botbuilder';
import { asName, localize } from '../bot/answers/knowledgeText.js';
import { showsCards } from './channels.js';
import type { DialogServices } from './dialogServices.js';

/** What a person was just given: the matter's linked matters and the office for a call. */
export interface NextStepsFor {
  related: readonly number[];
  /** directory label of the office the checklist named; the region's office otherwise */
  office?: string;
}

/**
 * What people usually need after a checklist or after rating it: the related matters the data
 * links (matter.related), 转人工 with the office's phone, and a new question. Each is one tap:
 * a button on card channels, a numbered or listed line on text channels.
 */
export class NextSteps {
  constructor(private readonly services: DialogServices) {}

  async actions(context: TurnContext, next: NextStepsFor): Promise<CardAction[]> {
    const s = this.services;
    const lang = await s.lang(context);
    const related = next.related
      .map((no) => s.knowledge.matter(no))
      .filter((m) => m !== undefined)
      // The title is both the label and what is sent: the understanding takes a matter's title in either language.
      .map((m): CardAction => {
        const title = asName(localize(m, 'title', lang)).text;
        return { type: 'imBack', title, value: title };
      });
    const human = await s.t(context, 'nextHuman');
    const fresh = await s.t(context, 'nextNew');
    return [...related, { type: 'imBack', title: human, value: human }, { type: 'imBack', title: fresh, value: fresh }];
  }

  /** The office's phone line, for the text beside the buttons. */
  async phoneLine(context: TurnContext, next: NextStepsFor): Promise<string> {
    const s = this.services;
    const lang = await s.lang(context);
    const office = s.office(next.office) ?? s.offices.region();
    return s.t(context, 'nextStepsHuman', { name: s.officeLabel(office, lang), phones: s.phones(office, lang, context) });
  }

  /**
   * The offer as its own message, sent after a checklist. Another message (the request for
   * feedback) follows it, and Web Chat shows only the last message's suggested actions, so on
   * card channels the buttons ride on a card, which stays.
   */
  async message(context: TurnContext, next: NextStepsFor): Promise<Partial<Activity>> {
    const text = `${await this.services.t(context, 'nextSteps')}\n${await this.phoneLine(context, next)}`;
    const actions = await this.actions(context, next);
    const reply = showsCards(context.activity.channelId)
      ? MessageFactory.attachment(CardFactory.heroCard('', undefined, CardFactory.actions(actions)), text)
      : MessageFactory.suggestedActions(actions, text);
    reply.channelData = { messageKey: 'nextSteps' };
    return reply;
  }

  /** Adds the offer to a reply that ends the turn (after a rating): its buttons or numbers then answer it. */
  async attach(context: TurnContext, reply: Partial<Activity>, next: NextStepsFor): Promise<Partial<Activity>> {
    reply.text = `${reply.text ?? ''}\n${await this.phoneLine(context, next)}`;
    reply.suggestedActions = { to: [], actions: await this.actions(context, next) };
    return reply;
  }
}
