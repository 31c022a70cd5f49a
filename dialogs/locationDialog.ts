import { MessageFactory, type Activity, type CardAction } from 'botbuilder';
import {
  ComponentDialog,
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Office } from '../bot/knowledge/schema.js';
import { showsCards } from './channels.js';
import { chineseChoicePrompt, choiceStyle } from './choicePrompts.js';
import type { DialogServices } from './dialogServices.js';

interface LocationValues {
  pending?: Pending;
}

/** A list of places put as a choice: what to say, and which page of buttons is shown. */
interface PlaceOffer {
  key: string;
  vars: Record<string, unknown>;
  candidates: string[];
  page: number;
}

export const LOCATION_DIALOG = 'locationDialog';
const ASK = 'locationText';
const PICK = 'locationPick';
const FLOW = 'locationFlow';
const MAX_TRIES = 3;
/** below this the resolver's match is a guess the person must confirm */
const SURE = 0.95;
/** buttons shown at once when a prefecture's counties are offered; a "more" button pages on */
const PAGE = 8;

export type PlaceKind = 'household' | 'county' | 'prefecture';

export interface LocationOptions {
  kind: PlaceKind;
  /** a place the person already named in their question: confirmed, not asked again */
  guess?: string;
  tries?: number;
  /** a list of places to offer again, at another page (the "more" button) */
  offer?: PlaceOffer;
}

interface Pending {
  kind: PlaceKind;
  candidates: string[];
  tries: number;
  confirming: boolean;
  offer?: PlaceOffer;
}

/**
 * Finds where the person is (or, for 户籍所在地 matters, where their household is
 * registered) in any form the office resolver understands, confirms guesses and
 * remembers the answer in user state. Ends with the office's directory label, or
 * undefined after MAX_TRIES failed attempts.
 */
export class LocationDialog extends ComponentDialog {
  constructor(private readonly services: DialogServices) {
    super(LOCATION_DIALOG);
    const pick = chineseChoicePrompt(PICK);
    this.addDialog(new TextPrompt(ASK))
      .addDialog(pick)
      .addDialog(new WaterfallDialog(FLOW, [this.ask.bind(this), this.resolve.bind(this), this.picked.bind(this)]));
    this.initialDialogId = FLOW;
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const o = step.options as LocationOptions;
    if (o.offer) return this.offer(step, { kind: o.kind, candidates: o.offer.candidates, tries: o.tries ?? 0, confirming: false }, o.offer);
    if (o.guess && (o.tries ?? 0) === 0) return step.next(o.guess);
    const s = this.services;
    const key = o.kind === 'household' ? 'askHousehold' : o.kind === 'prefecture' ? 'askPrefecture' : 'askCounty';
    const lang = await s.lang(step.context);
    const profile = await s.getProfile(step.context);
    const field = o.kind === 'household' ? 'householdOffice' : 'office';
    const actions: CardAction[] = [];
    const usePlace = async (office: Office): Promise<CardAction> => ({
      type: 'imBack',
      title: await s.t(step.context, 'usePlace', { name: s.officeLabel(office, lang) }),
      // What the button sends is the name as the person reads it: a Tibetan reader's own bubble stays Tibetan.
      value: s.officeLabel(office, lang),
    });
    // A place from an earlier conversation: said back and offered in one tap, never assumed.
    const earlier = s.office(profile.earlier?.[field]);
    let prompt: Partial<Activity>;
    if (earlier) {
      prompt = MessageFactory.text(`${await s.t(step.context, 'earlierPlace', { name: s.officeLabel(earlier, lang) })}\n${await s.t(step.context, key)}`);
      prompt.channelData = { messageKey: 'earlierPlace', ask: key, office: earlier.name };
      actions.push(await usePlace(earlier));
    } else {
      prompt = await s.message(step.context, key);
    }
    // Offer the other place we already know from this conversation.
    const known = s.office(o.kind === 'household' ? profile.office : profile.householdOffice);
    if (known && known.name !== earlier?.name) actions.push(await usePlace(known));
    // Where nobody can type (a kiosk), every place is some taps away: the hall's own county, then the prefectures.
    if (showsCards(step.context.activity.channelId)) {
      const hall = s.office(profile.hall);
      if (hall && !actions.some((a) => a.value === s.officeLabel(hall, lang))) {
        const label = s.officeLabel(hall, lang);
        actions.push({ type: 'imBack', title: await s.t(step.context, 'hereInHall', { name: label }), value: label });
      }
      for (const p of this.services.offices.prefectureOffices()) {
        const label = s.officeLabel(p, lang);
        actions.push({ type: 'imBack', title: label, value: label });
      }
    }
    if (actions.length > 0) prompt.suggestedActions = { to: [], actions };
    return step.prompt(ASK, { prompt });
  }

  private async resolve(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // The first step offered a list already (another page): the pick is the answer.
    if ((step.values as LocationValues).pending) return step.next(step.result);
    const o = step.options as LocationOptions;
    const tries = (o.tries ?? 0) + 1;
    const text = String(step.result ?? '');
    const found = this.services.understanding.placesIn(text);
    const best = found.matches[0];
    const lang = await this.services.lang(step.context);
    const pending: Pending = { kind: o.kind, candidates: [], tries, confirming: false };

    if (found.outcome === 'none' || !best) {
      await this.services.say(step.context, 'placeNotFound', { text: text.slice(0, 40) });
      if (tries >= MAX_TRIES) return step.endDialog(undefined);
      return step.replaceDialog(this.id, { kind: o.kind, tries });
    }
    if (found.outcome === 'ambiguous') {
      pending.candidates = found.matches.slice(0, 6).map((m) => m.office.name);
      return this.offer(step, pending, { key: 'whichPlace', vars: {}, candidates: pending.candidates, page: 0 });
    }
    // A prefecture named where a county is needed: ask which of its counties.
    if (best.office.level !== 'county' && o.kind !== 'prefecture') {
      const counties = this.services.offices.countiesOf(best.office).filter((x) => !x.special);
      if (counties.length > 0) {
        pending.candidates = counties.map((x) => x.name);
        const vars = { prefecture: this.services.officeLabel(best.office, lang) };
        return this.offer(step, pending, { key: 'whichCounty', vars, candidates: pending.candidates, page: 0 });
      }
    }
    // A place's own name as a button sends it (Tibetan names score below SURE): no need to confirm a tap.
    const named = [best.office.name, this.services.officeLabel(best.office, lang)].includes(text.trim());
    if ((best.score < SURE && !named) || o.guess) {
      pending.candidates = [best.office.name];
      pending.confirming = true;
      (step.values as LocationValues).pending = pending;
      const yes = await this.services.t(step.context, 'yes');
      const no = await this.services.t(step.context, 'no');
      // What people type for yes and no lives in the locales (words.yes / words.no), in either language.
      const typed = (key: string): string[] => [...this.services.l10n.words('zh-CN', key), ...this.services.l10n.words('bo', key)];
      const prompt = await this.services.message(step.context, 'confirmPlace', { name: this.services.officeLabel(best.office, lang) });
      return step.prompt(PICK, {
        prompt,
        choices: [
          { value: yes, synonyms: typed('yes') },
          { value: no, synonyms: typed('no') },
        ],
        style: choiceStyle(step.context),
      });
    }
    return this.remember(step, best.office);
  }

  private async picked(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const pending = (step.values as LocationValues).pending as Pending;
    const choice = step.result as FoundChoice;
    if (pending.confirming) {
      if (choice.index === 0) return this.remember(step, this.services.office(pending.candidates[0])!);
      return step.replaceDialog(this.id, { kind: pending.kind, tries: pending.tries });
    }
    // The button after a page of places: the next page (after the last, the first again).
    if (pending.offer && choice.index === pending.candidates.length) {
      const pages = Math.ceil(pending.candidates.length / PAGE);
      const offer: PlaceOffer = { ...pending.offer, page: (pending.offer.page + 1) % pages };
      return step.replaceDialog(this.id, { kind: pending.kind, tries: pending.tries, offer } satisfies LocationOptions);
    }
    const office = this.services.office(pending.candidates[choice.index]);
    return office ? this.remember(step, office) : step.endDialog(undefined);
  }

  /**
   * Offers places as a choice. Where there are buttons and more places than fit, one page of
   * them shows with a button for the next page; any place of the list can still be typed.
   */
  private async offer(step: WaterfallStepContext, pending: Pending, offer: PlaceOffer): Promise<DialogTurnResult> {
    const prompt = await this.services.message(step.context, offer.key, offer.vars);
    const lang = await this.services.lang(step.context);
    // Shown as the person reads them; the directory label and short names are understood too.
    const choices: Choice[] = offer.candidates.map((n) => {
      const office = this.services.office(n);
      const value = office ? this.services.officeLabel(office, lang) : n;
      return { value, synonyms: [n, ...this.shortNames(n)].filter((x) => x !== value) };
    });
    const retry = MessageFactory.text(await this.services.t(step.context, 'chooseRetry'));
    const paged = showsCards(step.context.activity.channelId) && choices.length > PAGE + 1;
    (step.values as LocationValues).pending = { ...pending, ...(paged ? { offer } : {}) };
    if (!paged) return step.prompt(PICK, { prompt, retryPrompt: retry, choices, style: choiceStyle(step.context) });
    const more = await this.services.t(step.context, 'morePlaces');
    const shown = choices.slice(offer.page * PAGE, (offer.page + 1) * PAGE).map((c): CardAction => ({ type: 'imBack', title: c.value, value: c.value }));
    const actions = { to: [], actions: [...shown, { type: 'imBack', title: more, value: more }] };
    prompt.suggestedActions = actions;
    retry.suggestedActions = actions;
    return step.prompt(PICK, { prompt, retryPrompt: retry, choices: [...choices, { value: more }], style: ListStyle.none });
  }

  private shortNames(name: string): string[] {
    const o = this.services.office(name);
    return o ? [o.division, ...o.aliases, ...o.tibetan.map((t) => t.script)] : [];
  }

  private async remember(step: WaterfallStepContext, office: Office): Promise<DialogTurnResult> {
    const o = step.options as LocationOptions;
    const profile = await this.services.getProfile(step.context);
    if (o.kind === 'household') profile.householdOffice = office.name;
    else profile.office = office.name;
    // Where someone's household is registered is also a good guess for where they are.
    if (o.kind === 'household' && !profile.office) profile.office = office.name;
    // Named (or confirmed) now: the earlier one is no longer a question.
    if (profile.earlier) delete profile.earlier[o.kind === 'household' ? 'householdOffice' : 'office'];
    await this.services.profile.set(step.context, profile);
    return step.endDialog(office.name);
  }
}
