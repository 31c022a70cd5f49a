import type { TurnContext } from 'botbuilder';
import { ChoicePrompt, ListStyle } from 'botbuilder-dialogs';
import { showsCards } from './channels.js';
import { cjkTokenizer } from './cjkTokenizer.js';

/** A ChoicePrompt that understands Chinese replies ("我是灵活就业的") and numbers. */
export function chineseChoicePrompt(id: string): ChoicePrompt {
  const prompt = new ChoicePrompt(id, undefined, 'zh-cn');
  prompt.style = ListStyle.auto;
  prompt.recognizerOptions = { tokenizer: cjkTokenizer, allowPartialMatches: true };
  return prompt;
}

/** Buttons where the channel shows them; a numbered list people answer with 1, 2, 3 elsewhere. */
export function choiceStyle(context: TurnContext): ListStyle {
  return showsCards(context.activity.channelId) ? ListStyle.suggestedAction : ListStyle.list;
}
