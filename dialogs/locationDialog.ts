import { MessageFactory, type Activity, type CardAction } from 'botbuilder';
import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Office } from '../bot/knowledge/schema.js';
import { chineseChoicePrompt, choiceStyle } from './choicePrompts.js';
import type { DialogServices } from './dialogServices.js';

interface LocationValues { pending?: Pending }

export const LOCATION_DIALOG = 'locationDialog';
const ASK = 'locationText';
const PICK = 'locationPick';
const FLOW = 'locationFlow';
const MAX_TRIES = 3;
/** below this the resolver's match is a guess the person must confirm */
const SURE = 0.95;

export type PlaceKind = 'household' | 'county' | 'prefecture';

export interface LocationOptions {
  kind: PlaceKind;
  /** a place the person already named in their question: confirmed, not asked again */
  guess?: string;
  tries?: number;
}

interface Pending {
  kind: PlaceKind;
  candidates: string[];
  tries: number;
  confirming: boolean;
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
      value: office.name,
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
    if (actions.length > 0) prompt.suggestedActions = { to: [], actions };
    return step.prompt(ASK, { prompt });
  }

  private async resolve(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const o = step.options as LocationOptions;
    const tries = (o.tries ?? 0) + 1;
    const text = String(step.result ?? '');
    const u = this.services.understanding;
    const found = u.offices.resolve(u.normalizer.normalize(text));
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
      (step.values as LocationValues).pending = pending;
      return this.offer(step, 'whichPlace', {}, pending.candidates);
    }
    // A prefecture named where a county is needed: ask which of its counties.
    if (best.office.level !== 'county' && o.kind !== 'prefecture') {
      const counties = this.services.knowledge.offices.filter((x) => x.level === 'county' && x.prefecture === best.office.division && !x.special);
      if (counties.length > 0) {
        pending.candidates = counties.map((x) => x.name);
        (step.values as LocationValues).pending = pending;
        return this.offer(step, 'whichCounty', { prefecture: this.services.officeLabel(best.office, lang) }, pending.candidates);
      }
    }
    if (best.score < SURE || o.guess) {
      pending.candidates = [best.office.name];
      pending.confirming = true;
      (step.values as LocationValues).pending = pending;
      const yes = await this.services.t(step.context, 'yes');
      const no = await this.services.t(step.context, 'no');
      const prompt = await this.services.message(step.context, 'confirmPlace', { name: this.services.officeLabel(best.office, lang) });
      return step.prompt(PICK, {
        prompt,
        choices: [
          { value: yes, synonyms: ['对', '是的', '嗯', 'yes', 'ཡིན'] },
          { value: no, synonyms: ['不对', '错', 'no', 'མིན'] },
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
    const office = this.services.office(pending.candidates[choice.index]);
    return office ? this.remember(step, office) : step.endDialog(undefined);
  }

  private async offer(step: WaterfallStepContext, key: string, vars: Record<string, unknown>, names: string[]): Promise<DialogTurnResult> {
    const prompt = await this.services.message(step.context, key, vars);
    const lang = await this.services.lang(step.context);
    // Shown as the person reads them; the directory label and short names are understood too.
    const choices: Choice[] = names.map((n) => {
      const office = this.services.office(n);
      const value = office ? this.services.officeLabel(office, lang) : n;
      return { value, synonyms: [n, ...this.shortNames(n)].filter((x) => x !== value) };
    });
    const retry = MessageFactory.text(await this.services.t(step.context, 'chooseRetry'));
    return step.prompt(PICK, {
      prompt,
      retryPrompt: retry,
      choices,
      style: choiceStyle(step.context),
    });
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
