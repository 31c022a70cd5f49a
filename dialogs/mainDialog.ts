import { MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogReason,
  DialogTurnStatus,
  TextPrompt,
  WaterfallDialog,
  type DialogContext,
  type DialogInstance,
  type DialogState,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { asName, joinItems, localize } from '../bot/answers/knowledgeText.js';
import type { Lang } from '../bot/i18n/localizer.js';
import type { Category } from '../bot/knowledge/knowledgeBase.js';
import type { Matter } from '../bot/knowledge/schema.js';
import { chineseChoicePrompt, choiceStyle } from './choicePrompts.js';
import type { OfferKind, SmallTalkTopic } from './conversationEvents.js';
import type { DialogServices } from './dialogServices.js';
import { LOCATION_DIALOG, LocationDialog } from './locationDialog.js';
import { MATTER_DIALOG, MatterDialog, type MatterOptions, type MatterResult } from './matterDialog.js';
import { NextSteps } from './nextSteps.js';
import { HANDOFF_EVENT, KIOSK_EVENT, PAGE_EVENTS, kioskCounty } from './pageEvents.js';

/** A choice of matters put to the person, until they pick one or leave it. */
interface Offer {
  question: string;
  guesses: number[];
  kind: OfferKind;
}

interface MainValues {
  opening?: string;
  placeGuess?: string;
  phase?: 'matter' | 'pick';
  candidates?: number[];
  offer?: Offer;
}

export const MAIN_DIALOG = 'mainDialog';
const FLOW = 'mainFlow';
const ASK = 'mainAsk';
const PICK = 'mainPick';
const HUMAN = 'humanFlow';
/** at most this many matters are offered when the understanding is unsure */
const UNSURE_OFFERS = 3;
/** small talk that opens a conversation or asks what we do is answered with the categories too */
const WITH_CATEGORIES: ReadonlySet<SmallTalkTopic> = new Set(['greeting', 'identity', 'confused', 'complaint']);

export interface MainDialogSettings {
  /** KIOSK_COUNTY: the hall's county when a kiosk event names none (a county office's directory label) */
  hallCounty?: string;
}

export interface MainOptions {
  /** a question to start from instead of the incoming message (kiosk buttons, WeChat menu) */
  text?: string;
}

/**
 * Understands the message and routes it: one matter → the matter dialog;
 * several close ones → a choice; none → what we can help with and whom to call.
 * Help, restart, 转人工 and the language switch work at every step.
 */
export class MainDialog extends ComponentDialog {
  private readonly nextSteps: NextSteps;

  constructor(
    private readonly services: DialogServices,
    private readonly settings: MainDialogSettings = {},
  ) {
    super(MAIN_DIALOG);
    this.nextSteps = new NextSteps(services);
    const pick = chineseChoicePrompt(PICK);
    this.addDialog(new TextPrompt(ASK))
      .addDialog(pick)
      .addDialog(new MatterDialog(services))
      .addDialog(new LocationDialog(services))
      .addDialog(new WaterfallDialog(FLOW, [this.intro.bind(this), this.route.bind(this), this.chosen.bind(this), this.done.bind(this)]))
      .addDialog(new WaterfallDialog(HUMAN, [this.humanPlace.bind(this), this.humanAnswer.bind(this)]));
    this.initialDialogId = FLOW;
  }

  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    return (await this.interrupt(inner)) ?? super.onContinueDialog(inner);
  }

  protected override async onBeginDialog(inner: DialogContext, options?: MainOptions): Promise<DialogTurnResult> {
    return (await this.interrupt(inner)) ?? super.onBeginDialog(inner, options);
  }

  /** Cancelled from outside (a menu click starts another question): an open offer was left. */
  override async endDialog(context: TurnContext, instance: DialogInstance, reason: DialogReason): Promise<void> {
    if (reason === DialogReason.cancelCalled) {
      // The component keeps its inner dialog stack under `dialogs` in its instance state.
      const inner = (instance.state as { dialogs?: DialogState } | undefined)?.dialogs?.dialogStack ?? [];
      await this.abandonOffer(context, inner);
    }
    return super.endDialog(context, instance, reason);
  }

  /** Reports an offer still open on this inner dialog stack as left without a pick. */
  private async abandonOffer(context: TurnContext, stack: readonly DialogInstance[]): Promise<void> {
    const flow = stack.find((d) => d.id === FLOW);
    const values = (flow?.state as { values?: MainValues } | undefined)?.values;
    const offer = values?.phase === 'pick' ? values.offer : undefined;
    if (offer) await this.services.events.emit(context, { type: 'offerAbandoned', question: offer.question, guesses: offer.guesses, offer: offer.kind });
  }

  /** Interruptions are whole messages in either language's word lists (locales/*: words). */
  private async interrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const { context } = inner;
    if (context.activity.type === 'event' && PAGE_EVENTS.has(context.activity.name ?? '')) return this.pageEvent(inner);
    const text = context.activity.type === 'message' ? (context.activity.text ?? '') : '';
    if (text === '') return undefined;
    const s = this.services;
    for (const lang of ['zh', 'bo'] as const) {
      if (s.l10n.isWord(text, lang)) {
        const profile = await s.getProfile(context);
        profile.lang = (lang === 'zh' ? 'zh-CN' : 'bo') satisfies Lang;
        await s.profile.set(context, profile);
        // With nothing pending the categories follow in the new language, as the page's own buttons would have.
        await context.sendActivity(inner.activeDialog ? await s.message(context, 'switchedLanguage') : await this.withCategories(context, 'switchedLanguage'));
        return this.resume(inner);
      }
    }
    if (s.l10n.isWord(text, 'help')) {
      await context.sendActivity(await this.withCategories(context, 'help'));
      return this.resume(inner);
    }
    const restart = s.l10n.isWord(text, 'restart');
    if (restart || s.l10n.isWord(text, 'newQuestion')) {
      await this.abandonOffer(context, inner.stack);
      await inner.cancelAllDialogs();
      if (restart) await s.say(context, 'restarted');
      await context.sendActivity(await this.withCategories(context, 'askWhat'));
      // Ending here means the next message starts a fresh conversation turn.
      return { status: DialogTurnStatus.complete };
    }
    if (s.l10n.isWord(text, 'human')) {
      await this.abandonOffer(context, inner.stack);
      await inner.cancelAllDialogs();
      return inner.beginDialog(HUMAN);
    }
    const topic = s.smallTalk.topicOf(text);
    if (topic) {
      await s.events.emit(context, { type: 'smallTalk', topic });
      const key = `smallTalk.${topic}`;
      // In the middle of a question the question itself follows; otherwise the categories, where they fit.
      await context.sendActivity(!inner.activeDialog && WITH_CATEGORIES.has(topic) ? await this.withCategories(context, key) : await s.message(context, key));
      return this.resume(inner);
    }
    return undefined;
  }

  /** A page's event (pageEvents.ts): 转人工 from any step, or the kiosk naming its hall. */
  private async pageEvent(inner: DialogContext): Promise<DialogTurnResult> {
    const { context } = inner;
    const s = this.services;
    if (context.activity.name === HANDOFF_EVENT) {
      await this.abandonOffer(context, inner.stack);
      await inner.cancelAllDialogs();
      return inner.beginDialog(HUMAN);
    }
    if (context.activity.name === KIOSK_EVENT) {
      const hall = s.county(kioskCounty(context.activity.value) ?? this.settings.hallCounty);
      if (hall) {
        const profile = await s.getProfile(context);
        profile.hall = hall.name;
        await s.profile.set(context, profile);
      }
    }
    // Said nothing: a pending question stays pending, unasked again.
    return { status: inner.activeDialog ? DialogTurnStatus.waiting : DialogTurnStatus.complete };
  }

  /** After an interruption, ask the pending question again, or wait for a new one. */
  private async resume(inner: DialogContext): Promise<DialogTurnResult> {
    if (inner.activeDialog) {
      await inner.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    return { status: DialogTurnStatus.complete };
  }

  private async withCategories(context: TurnContext, key: string, vars?: Record<string, unknown>) {
    const reply = await this.services.message(context, key, vars);
    reply.suggestedActions = { to: [], actions: this.services.categoryActions(await this.services.lang(context)) };
    return reply;
  }

  private async intro(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const o = (step.options ?? {}) as MainOptions;
    const text = (o.text ?? step.context.activity.text ?? '').trim();
    if (text !== '') return step.next(text);
    return step.prompt(ASK, { prompt: await this.withCategories(step.context, 'askWhat') });
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const text = String(step.result ?? '').trim();
    const s = this.services;
    const category = s.categoryNamed(text);
    if (category) {
      await s.events.emit(step.context, { type: 'categoryOpened', question: text, category: category.id });
      return this.offerCategory(step, text, category);
    }
    const found = s.understand(step.context, text);
    const guess = found.offices.outcome === 'match' ? found.offices.matches[0]?.office.name : undefined;
    (step.values as MainValues).placeGuess = guess;
    const guesses = (found.matches.length > 0 ? found.matches : found.nearest).slice(0, UNSURE_OFFERS).map((m) => m.matter.no);
    const first = found.matches[0];
    if (found.outcome === 'match' && first) {
      await s.events.emit(step.context, { type: 'opened', question: text, outcome: 'match', guesses });
      (step.values as MainValues).phase = 'matter';
      const options: MatterOptions = { no: first.matter.no, placeGuess: guess, opening: text };
      return step.beginDialog(MATTER_DIALOG, options);
    }
    if (found.outcome === 'ambiguous') {
      await s.events.emit(step.context, { type: 'opened', question: text, outcome: 'ambiguous', guesses });
      (step.values as MainValues).offer = { question: text, guesses, kind: 'ambiguous' };
      return this.pick(
        step,
        found.matches.map((m) => m.matter),
        await s.message(step.context, 'ambiguous'),
      );
    }
    // `none` with close matters means unsure (the matcher's contract): offer them rather than give up.
    if (found.nearest.length > 0) {
      await s.events.emit(step.context, { type: 'opened', question: text, outcome: 'unsure', guesses });
      (step.values as MainValues).offer = { question: text, guesses, kind: 'unsure' };
      return this.pick(
        step,
        found.nearest.slice(0, UNSURE_OFFERS).map((m) => m.matter),
        await s.message(step.context, 'unsure'),
      );
    }
    await s.events.emit(step.context, { type: 'opened', question: text, outcome: 'none', guesses });
    await this.notFound(step.context, text, guess);
    return step.endDialog();
  }

  /** A category button or menu click: its only matter starts at once; several are offered, in the data's order. */
  private async offerCategory(step: WaterfallStepContext, text: string, category: Category): Promise<DialogTurnResult> {
    const matters = this.services.knowledge.matters.filter((m) => m.group === category.id);
    const [only] = matters;
    if (matters.length === 1 && only) {
      await this.services.events.emit(step.context, { type: 'offerAccepted', question: text, matter: only.no, offer: 'category' });
      (step.values as MainValues).phase = 'matter';
      return step.beginDialog(MATTER_DIALOG, { no: only.no } satisfies MatterOptions);
    }
    const lang = await this.services.lang(step.context);
    const prompt = await this.services.message(step.context, 'categoryPick', { label: localize(category, 'label', lang).text });
    (step.values as MainValues).offer = { question: text, guesses: matters.map((m) => m.no), kind: 'category' };
    return this.pick(step, matters, prompt);
  }

  private async pick(step: WaterfallStepContext, matters: readonly Matter[], prompt: Partial<Activity>): Promise<DialogTurnResult> {
    (step.values as MainValues).phase = 'pick';
    (step.values as MainValues).candidates = matters.map((m) => m.no);
    const none = await this.services.t(step.context, 'noneOfThese');
    const lang = await this.services.lang(step.context);
    return step.prompt(PICK, {
      prompt,
      retryPrompt: MessageFactory.text(await this.services.t(step.context, 'chooseRetry')),
      choices: [
        // Titles in the person's language; the Chinese title is still understood.
        ...matters.map((m) => ({ value: asName(localize(m, 'title', lang)).text, synonyms: [m.title] })),
        { value: none },
      ],
      style: choiceStyle(step.context),
    });
  }

  private async chosen(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.values as MainValues).phase !== 'pick') return step.next(step.result);
    const values = step.values as MainValues;
    const candidates = values.candidates as number[];
    const no = candidates[(step.result as FoundChoice).index];
    const offer = values.offer;
    // The offer is settled either way: nothing is left open for an interruption to report.
    values.phase = 'matter';
    if (no === undefined) {
      if (offer) await this.services.events.emit(step.context, { type: 'offerAbandoned', question: offer.question, guesses: offer.guesses, offer: offer.kind });
      await step.context.sendActivity(await this.withCategories(step.context, 'askWhat'));
      return step.endDialog();
    }
    if (offer) await this.services.events.emit(step.context, { type: 'offerAccepted', question: offer.question, matter: no, offer: offer.kind });
    const options: MatterOptions = { no, placeGuess: values.placeGuess };
    return step.beginDialog(MATTER_DIALOG, options);
  }

  /** After a checklist: say so to the listeners, and offer what people usually need next. */
  private async done(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as MatterResult | undefined;
    const matter = result ? this.services.knowledge.matter(result.no) : undefined;
    if (result && matter) {
      const lang = await this.services.lang(step.context);
      const office = this.services.office(result.office);
      // The related matters the checklist showed: those whose conditions the answers meet.
      const related = this.services.checklists.build(matter, result.answers, office, lang).related.map((r) => r.no);
      await this.services.events.emit(step.context, { type: 'checklistSent', matter: result.no, related, office: result.office });
      await step.context.sendActivity(await this.nextSteps.message(step.context, { related, office: result.office }));
    }
    return step.endDialog(step.result);
  }

  private async notFound(context: TurnContext, text: string, guess: string | undefined): Promise<void> {
    const s = this.services;
    const lang = await s.lang(context);
    const categories = joinItems(
      s.knowledge.categories.map((c) => localize(c, 'label', lang).text),
      s.l10n.t(lang, 'listSeparator'),
    );
    await s.say(context, 'notFound', { text: text.slice(0, 40), categories });
    const profile = await s.getProfile(context);
    const office = s.office(guess ?? profile.office) ?? s.offices.region();
    await context.sendActivity(
      await this.withCategories(context, 'notFoundPhone', { name: s.officeLabel(office, lang), phones: s.phones(office, lang, context) }),
    );
  }

  private async humanPlace(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const profile = await this.services.getProfile(step.context);
    const known = profile.office ?? profile.householdOffice;
    if (known) return step.next(known);
    await this.services.say(step.context, 'humanNeedsPlace');
    return step.beginDialog(LOCATION_DIALOG, { kind: 'county' });
  }

  private async humanAnswer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.services;
    const office = s.office(typeof step.result === 'string' ? step.result : undefined) ?? s.offices.region();
    const lang = await s.lang(step.context);
    await s.events.emit(step.context, { type: 'handedToPerson', office: office.name });
    await s.say(step.context, 'human', { name: s.officeLabel(office, lang), phones: s.phones(office, lang, step.context) });
    return step.endDialog();
  }
}
