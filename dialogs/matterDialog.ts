import { MessageFactory } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { optionWords } from '../bot/answers/checklistBuilder.js';
import type { Answers } from '../bot/answers/conditions.js';
import { asName, localize } from '../bot/answers/knowledgeText.js';
import { checklistJson } from '../bot/answers/matterView.js';
import { QrTextMaker } from '../bot/answers/qrText.js';
import type { Question } from '../bot/knowledge/schema.js';
import { showsCards } from './channels.js';
import { chineseChoicePrompt, choiceStyle } from './choicePrompts.js';
import type { DialogServices } from './dialogServices.js';
import { LOCATION_DIALOG, LocationDialog, type LocationOptions } from './locationDialog.js';
import { MultiChoicePrompt, type MultiChoiceValidations } from './multiChoicePrompt.js';

interface MatterValues {
  question?: string;
  answers?: Answers;
}

export const MATTER_DIALOG = 'matterDialog';
const QUESTIONS = 'matterQuestions';
const ANSWER = 'matterAnswer';
const SINGLE = 'matterSingle';
const MULTI = 'matterMulti';

export interface MatterOptions {
  no: number;
  answers?: Answers;
  /** a place named in the opening question, to be confirmed rather than asked */
  placeGuess?: string;
  /** set once the matter has been announced */
  started?: boolean;
  /** the person's own words: answers they already gave there are not asked again */
  opening?: string;
}

export interface MatterResult {
  no: number;
  answers: Answers;
  office: string | undefined;
}

/**
 * One dialog for every matter, walking its knowledge: asks the next question
 * whose answer still changes the checklist, then places the person when the
 * office depends on it, then hands back the whole checklist in one message.
 */
export class MatterDialog extends ComponentDialog {
  private readonly qr: QrTextMaker;

  constructor(private readonly services: DialogServices) {
    super(MATTER_DIALOG);
    this.qr = new QrTextMaker(services.l10n);
    const single = chineseChoicePrompt(SINGLE);
    this.addDialog(single)
      .addDialog(new MultiChoicePrompt(MULTI))
      .addDialog(new LocationDialog(services))
      .addDialog(new WaterfallDialog(QUESTIONS, [this.askNext.bind(this), this.record.bind(this)]))
      .addDialog(new WaterfallDialog(ANSWER, [this.place.bind(this), this.answer.bind(this)]));
    this.initialDialogId = QUESTIONS;
  }

  private matter(step: WaterfallStepContext) {
    const o = step.options as MatterOptions;
    const matter = this.services.knowledge.matter(o.no);
    if (!matter) throw new Error(`matter ${o.no} does not exist`);
    return matter;
  }

  private async askNext(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const o = step.options as MatterOptions;
    const matter = this.matter(step);
    let answers = o.answers ?? {};
    const lang = await this.services.lang(step.context);
    if (!o.started) {
      await this.services.say(step.context, 'matterStart', { title: asName(localize(matter, 'title', lang)).text });
      answers = this.services.checklists.answersIn(matter, o.opening ?? '', (t) => this.services.understanding.normalize(t));
    }
    const question = this.services.checklists.nextQuestion(matter, answers);
    if (!question) return step.replaceDialog(ANSWER, { ...o, answers, started: true });
    (step.values as MatterValues).answers = answers;
    (step.values as MatterValues).question = question.id;
    const questionText = localize(question, 'text', lang).text;
    const prompt = MessageFactory.text(questionText);
    prompt.channelData = { messageKey: 'question', question: question.id, matter: matter.no };
    // Shown in the person's language; every language's label and search words are understood.
    const options = question.options.map((x) => {
      const label = localize(x, 'label', lang).text;
      return { id: x.id, label, synonyms: [...new Set(optionWords(x))].filter((w) => w !== label) };
    });
    if (question.multi) {
      const t = (k: string): string => this.services.l10n.t(lang, k);
      const validations: MultiChoiceValidations = {
        options: options.filter((x) => x.id !== 'none'),
        noneWords: [...this.services.l10n.words('zh-CN', 'none'), ...this.services.l10n.words('bo', 'none'), t('multiNone')],
        hint: t('multiHint'),
        doneLabel: t('multiDone'),
        noneLabel: t('multiNone'),
      };
      return step.prompt(MULTI, { prompt, retryPrompt: MessageFactory.text(t('multiRetry')), validations });
    }
    const retryPrompt = MessageFactory.text(`${questionText}\n${await this.services.t(step.context, 'chooseRetry')}`);
    return step.prompt(SINGLE, {
      prompt,
      retryPrompt,
      choices: options.map((x) => ({ value: x.label, synonyms: x.synonyms })),
      style: choiceStyle(step.context),
    });
  }

  private async record(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const o = step.options as MatterOptions;
    const question = this.services.knowledge.questionsFor(this.matter(step)).find((q) => q.id === (step.values as MatterValues).question) as Question;
    const chosen = Array.isArray(step.result) ? (step.result as string[]) : [question.options[(step.result as FoundChoice).index]!.id];
    // "None of these" on a multi-select still records an answer, so the question is not asked again.
    const before = (step.values as MatterValues).answers ?? o.answers ?? {};
    const answers: Answers = { ...before, [question.id]: chosen.length > 0 ? chosen : ['none'] };
    return step.replaceDialog(QUESTIONS, { ...o, answers, started: true });
  }

  private async place(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const o = step.options as MatterOptions;
    const needed = this.services.checklists.placeNeeded(this.matter(step));
    if (!needed) return step.next(undefined);
    const profile = await this.services.getProfile(step.context);
    const known = needed === 'household' ? profile.householdOffice : profile.office;
    if (known) return step.next(known);
    const options: LocationOptions = { kind: needed, guess: o.placeGuess };
    return step.beginDialog(LOCATION_DIALOG, options);
  }

  private async answer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const o = step.options as MatterOptions;
    const matter = this.matter(step);
    const answers = o.answers ?? {};
    const officeName = typeof step.result === 'string' ? step.result : undefined;
    const lang = await this.services.lang(step.context);
    const checklist = this.services.checklists.build(matter, answers, this.services.office(officeName), lang);
    const r = this.services.renderer;
    const plainText = r.toText(checklist);
    const reply = showsCards(step.context.activity.channelId) ? MessageFactory.attachment(r.toCard(checklist)) : MessageFactory.text(plainText);
    // Clients (kiosk print and QR) and tests read the checklist and its plain text, not the card.
    reply.channelData = {
      messageKey: 'checklist',
      lang,
      plainText,
      checklist: checklistJson(checklist),
      // the kiosk's QR code, made here so every client carries the same text (QrTextMaker)
      qr: this.qr.make(checklist, plainText),
    };
    await step.context.sendActivity(reply);
    const result: MatterResult = { no: matter.no, answers, office: checklist.office?.name };
    return step.endDialog(result);
  }
}
