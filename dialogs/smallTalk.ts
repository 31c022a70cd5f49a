import { LANGS, type Localizer } from '../bot/i18n/localizer.js';
import type { SmallTalkTopic } from './conversationEvents.js';

/** When a message holds several kinds ("你好，你是谁"), the first of these answers it. */
const PRIORITY: readonly SmallTalkTopic[] = ['complaint', 'confused', 'identity', 'goodbye', 'thanks', 'praise', 'greeting'];
/** Longer than this, a message is a question even if it is made of small-talk words. */
const MAX_CHARS = 30;

type Word = { text: string; topic: SmallTalkTopic | 'filler' };

/** Punctuation, spaces and the Tibetan tsheg/shad carry no meaning for a whole-message match. */
const clean = (s: string): string => s.toLowerCase().replace(/[\p{P}\p{Z}\s]+/gu, '');

/**
 * Recognises small talk (greetings, thanks, 你是谁 …) from the word lists in locales/<lang>/bot.json
 * (`words.smallTalk.<topic>`, and `filler` for particles like 啊 and ལགས), in either language.
 * A message is small talk only when it is nothing else: after cleaning, it is wholly made of those
 * words, so "谢谢，我想问住院报销" is a question. The feedback words (有帮助 / 没用) count as praise
 * and complaint when there is nothing to rate.
 */
export class SmallTalk {
  private readonly words: Word[];

  constructor(l10n: Localizer) {
    const words: Word[] = [];
    for (const lang of LANGS) {
      for (const topic of [...PRIORITY, 'filler'] as const) {
        for (const w of l10n.words(lang, `smallTalk.${topic}`)) words.push({ text: clean(w), topic });
      }
      for (const w of l10n.words(lang, 'up', 'feedback')) words.push({ text: clean(w), topic: 'praise' });
      for (const w of l10n.words(lang, 'down', 'feedback')) words.push({ text: clean(w), topic: 'complaint' });
    }
    // Longest first, so 谢谢你 is one word, not 谢谢 and a stray 你.
    this.words = words.filter((w) => w.text !== '').sort((a, b) => b.text.length - a.text.length);
  }

  /** The topic of a message that is only small talk, else undefined. */
  topicOf(text: string): SmallTalkTopic | undefined {
    const said = clean(text);
    if (said === '' || [...said].length > MAX_CHARS) return undefined;
    const topics = this.cover(said, 0, new Map());
    if (!topics || topics.size === 0) return undefined;
    return PRIORITY.find((t) => topics.has(t));
  }

  /** The topics of a split of said[from…] into known words, or undefined when there is none. */
  private cover(said: string, from: number, memo: Map<number, Set<SmallTalkTopic> | null>): Set<SmallTalkTopic> | undefined {
    if (from === said.length) return new Set();
    const known = memo.get(from);
    if (known !== undefined) return known ?? undefined;
    let found: Set<SmallTalkTopic> | null = null;
    for (const w of this.words) {
      if (!said.startsWith(w.text, from)) continue;
      const rest = this.cover(said, from + w.text.length, memo);
      if (!rest) continue;
      found = new Set(rest);
      if (w.topic !== 'filler') found.add(w.topic);
      break;
    }
    memo.set(from, found);
    return found ?? undefined;
  }
}
