import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { Prompt, type PromptOptions, type PromptRecognizerResult, type PromptValidator } from 'botbuilder-dialogs';
import { showsCards } from './channels.js';
import { foldTibetanDigits } from '../bot/i18n/digits.js';

export interface MultiChoiceOption {
  id: string;
  label: string;
  synonyms: readonly string[];
}

export interface MultiChoiceValidations {
  options: readonly MultiChoiceOption[];
  /** words meaning "none of them" in every language */
  noneWords: readonly string[];
  /** localized hint, card button and "none" labels */
  hint: string;
  doneLabel: string;
  noneLabel: string;
}

/**
 * Several answers at once (急诊 and 外购药品 in one claim). Cards get a
 * multi-select list; text channels get numbered lines and take "1 3", labels or
 * synonyms; "0" or a "none" word means none of them. Result: the option ids.
 */
export class MultiChoicePrompt extends Prompt<string[]> {
  constructor(dialogId: string, validator?: PromptValidator<string[]>) {
    super(dialogId, validator);
  }

  protected async onPrompt(context: TurnContext, _state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
    const v = options.validations as MultiChoiceValidations;
    const question = isRetry && options.retryPrompt ? options.retryPrompt : options.prompt;
    const text = typeof question === 'string' ? question : (question?.text ?? '');
    // Keep what the dialog put on its prompt (which question this is) beside the prompt's own key.
    const channelData = { ...((typeof question === 'object' ? question?.channelData : undefined) as object | undefined), messageKey: 'multiChoice' };
    if (showsCards(context.activity.channelId)) {
      const card = CardFactory.adaptiveCard({
        type: 'AdaptiveCard',
        version: '1.3',
        body: [
          { type: 'TextBlock', text, wrap: true },
          {
            type: 'Input.ChoiceSet',
            id: 'choices',
            isMultiSelect: true,
            style: 'expanded',
            choices: v.options.map((o) => ({ title: o.label, value: o.id })),
          },
        ],
        actions: [{ type: 'Action.Submit', title: v.doneLabel, data: { multiChoice: true } }],
      });
      const reply = MessageFactory.attachment(card);
      reply.suggestedActions = { to: [], actions: [{ type: 'imBack', title: v.noneLabel, value: v.noneLabel }] };
      reply.channelData = channelData;
      await context.sendActivity(reply);
      return;
    }
    const lines = v.options.map((o, i) => `${i + 1}. ${o.label}`);
    await context.sendActivity({ type: 'message', text: [text, ...lines, v.hint].join('\n'), channelData });
  }

  protected async onRecognize(context: TurnContext, _state: object, options: PromptOptions): Promise<PromptRecognizerResult<string[]>> {
    const v = options.validations as MultiChoiceValidations;
    const value = context.activity.value as { choices?: unknown } | undefined;
    if (value && typeof value.choices === 'string') {
      const ids = value.choices.split(',').filter((id) => v.options.some((o) => o.id === id));
      return { succeeded: true, value: ids };
    }
    if (value && value.choices === undefined && 'multiChoice' in value) return { succeeded: true, value: [] };
    const text = foldTibetanDigits(context.activity.text ?? '')
      .trim()
      .toLowerCase();
    if (text === '') return { succeeded: false };
    if (v.noneWords.some((w) => text === w.toLowerCase())) return { succeeded: true, value: [] };
    const picked = new Set<string>();
    const parts = text.split(/[\s,，、;；和及与+]+/u).filter(Boolean);
    if (parts.every((p) => /^\d+$/.test(p))) {
      for (const p of parts) {
        const n = Number(p);
        if (n === 0) continue;
        const o = v.options[n - 1];
        if (!o) return { succeeded: false };
        picked.add(o.id);
      }
      return { succeeded: true, value: [...picked] };
    }
    for (const o of v.options) {
      if ([o.label, ...o.synonyms].some((w) => w !== '' && text.includes(w.toLowerCase()))) picked.add(o.id);
    }
    return picked.size > 0 ? { succeeded: true, value: [...picked] } : { succeeded: false };
  }
}
