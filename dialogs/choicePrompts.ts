import type { TurnContext } from 'botbuilder';
import { ChoicePrompt, ListStyle, type FoundChoice, type PromptOptions, type PromptRecognizerResult } from 'botbuilder-dialogs';
import { foldTibetanDigits } from '../bot/i18n/digits.js';
import { showsCards } from './channels.js';
import { cjkTokenizer } from './cjkTokenizer.js';

/** The SDK's ChoicePrompt reading Tibetan digits as numbers ("༢" picks the second choice). */
class NumberFoldingChoicePrompt extends ChoicePrompt {
  protected override async onRecognize(context: TurnContext, state: object, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const text = context.activity.text;
    if (text) context.activity.text = foldTibetanDigits(text);
    try {
      return await super.onRecognize(context, state, options);
    } finally {
      context.activity.text = text;
    }
  }
}

/** A ChoicePrompt that understands Chinese replies ("我是灵活就业的"), Tibetan ones and numbers. */
export function chineseChoicePrompt(id: string): ChoicePrompt {
  const prompt = new NumberFoldingChoicePrompt(id, undefined, 'zh-cn');
  prompt.style = ListStyle.auto;
  prompt.recognizerOptions = { tokenizer: cjkTokenizer, allowPartialMatches: true };
  return prompt;
}

/** Buttons where the channel shows them; a numbered list people answer with 1, 2, 3 elsewhere. */
export function choiceStyle(context: TurnContext): ListStyle {
  return showsCards(context.activity.channelId) ? ListStyle.suggestedAction : ListStyle.list;
}
