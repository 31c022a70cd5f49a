import type { Activity } from 'botbuilder';
import { START_QUERY_EVENT } from '../../dialogs/pageEvents.js';
import type { KeyedLock } from '../storage/keyedLock.js';
import { KeyedMutex } from '../storage/keyedMutex.js';
import { foldTibetanDigits } from '../i18n/digits.js';
import { type Lang, type Localizer } from '../i18n/localizer.js';
import type { Category } from '../knowledge/knowledgeBase.js';
import type { Logger } from '../logging/logger.js';
import type { BotLogic } from '../../dialogs/channels.js';
import type { WeChatAdapter } from './wechatAdapter.js';
import type { WeChatMessage } from './wechatMessage.js';
import { paginate, renderReply, WECHAT_TEXT_LIMIT } from './wechatReply.js';
import { WeChatSessions, type WeChatSessionStore } from './wechatSessions.js';

export interface WeChatChannelOptions {
  adapter: WeChatAdapter;
  logic: BotLogic;
  localizer: Localizer;
  categories: readonly Category[];
  logger: Logger;
  /** how long a message may take before WeChat is answered `success` (its deadline is 5 s) */
  replyTimeoutMs: number;
  /** idle time after which unread pages and pending numbers are forgotten (default 30 min) */
  sessionTtlMs?: number;
  /** where those are kept; in process by default (Redis with REDIS_URL, so a restart or another instance keeps them) */
  sessions?: WeChatSessionStore;
  /**
   * one message per user at a time, from reading their session to saving it: in process by default; with REDIS_URL the
   * service's RedisKeyedLock, since two messages reaching two instances would otherwise each save what they read
   */
  lock?: KeyedLock;
  /** bytes per reply (default WeChat's 2048) */
  maxReplyBytes?: number;
}

/** What one incoming message asks of the channel. */
type Input = { kind: 'turn'; activity: Partial<Activity> } | { kind: 'more' } | { kind: 'unsupported' } | { kind: 'silent' };

/**
 * Turns WeChat messages into bot turns and the turns' messages into WeChat's one
 * text reply: numbered options instead of buttons, "1"/"2" mapped back to them,
 * long replies split into pages read with 更多, and a deadline after which
 * WeChat gets `success` (nothing shown) while the turn finishes; its reply then
 * comes first in the person's next answer, since a passive reply cannot be sent later.
 */
export class WeChatChannel {
  private readonly lock: KeyedLock;
  private readonly sessions: WeChatSessionStore;
  private readonly maxReplyBytes: number;
  private readonly log: Logger;

  constructor(private readonly options: WeChatChannelOptions) {
    this.sessions = options.sessions ?? new WeChatSessions(options.sessionTtlMs ?? WECHAT_SESSION_TTL_MS);
    this.lock = options.lock ?? new KeyedMutex();
    this.maxReplyBytes = options.maxReplyBytes ?? WECHAT_TEXT_LIMIT;
    this.log = options.logger.child({ component: 'wechat' });
  }

  /** The reply text for `message`, or undefined for `success` (nothing to say, or too late to say it). */
  reply(message: WeChatMessage): Promise<string | undefined> {
    const user = message.FromUserName;
    let late = false;
    // Its own key, taken before the turn's (turn:…, user:…), so the two never wait for each other in a circle.
    const work = this.lock.withLock(`wechat:${user}`, () => this.answer(message, () => late));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        late = true;
        this.log.warn({ msgType: message.MsgType, replyTimeoutMs: this.options.replyTimeoutMs }, 'bot turn missed the reply deadline; answering success');
        resolve(undefined);
      }, this.options.replyTimeoutMs);
      work.then(
        (text) => {
          clearTimeout(timer);
          resolve(text);
        },
        (err: unknown) => {
          clearTimeout(timer);
          this.log.error({ err, msgType: message.MsgType }, 'wechat message failed');
          resolve(undefined);
        },
      );
    });
  }

  /** Runs holding the user's lock (on every instance), so pages and numbers always belong to the reply before. */
  private async answer(message: WeChatMessage, isLate: () => boolean): Promise<string | undefined> {
    const user = message.FromUserName;
    const session = await this.sessions.load(user);
    const input = this.inputOf(message, session.actions);
    switch (input.kind) {
      case 'silent':
        if (message.Event?.toLowerCase() === 'unsubscribe') await this.sessions.forget(user);
        return undefined;
      case 'unsupported':
        return this.options.localizer.t(session.lang, 'wechat:unsupported');
      case 'more': {
        const next = session.pages.shift();
        if (next !== undefined) await this.sessions.save(user, session);
        return next ?? this.options.localizer.t(session.lang, 'wechat:noMore');
      }
      case 'turn': {
        const outgoing = await this.options.adapter.processActivity(
          { ...input.activity, from: { id: user, name: '', role: 'user' }, conversation: { id: user } as Activity['conversation'] },
          this.options.logic,
        );
        const rendered = renderReply(outgoing);
        if (rendered.text !== '') session.lang = languageOf(rendered.text);
        if (isLate()) {
          if (rendered.text !== '') session.late.push(rendered.text);
          await this.sessions.save(user, session);
          return undefined;
        }
        const earlier = session.late.splice(0).map((t) => `${this.options.localizer.t(session.lang, 'wechat:late')}\n${t}`);
        const text = [...earlier, rendered.text].filter((t) => t !== '').join('\n\n');
        session.actions = rendered.actions;
        const [first, ...rest] = text === '' ? [] : paginate(text, this.maxReplyBytes, this.options.localizer.t(session.lang, 'wechat:more'));
        session.pages = rest;
        await this.sessions.save(user, session);
        return first;
      }
    }
  }

  private inputOf(message: WeChatMessage, actions: readonly string[]): Input {
    const type = message.MsgType.toLowerCase();
    if (type === 'event') return this.eventInput(message);
    const said = type === 'text' ? message.Content : type === 'voice' ? message.Recognition : undefined;
    const text = said?.trim();
    if (text === undefined || text === '') return { kind: 'unsupported' };
    if (this.options.localizer.isWord(text, 'more', 'wechat')) return { kind: 'more' };
    // A bare number answers the numbered options of the last reply; prompts' own numbered choices reach the bot as typed.
    const digits = asciiDigits(text);
    const picked = /^\d{1,2}$/.test(digits) ? actions[Number(digits) - 1] : undefined;
    // Chinese and Tibetan keyboards type ２ and ༢: prompts get the numbers they understand.
    const typed = /^[\d\s,，、;；]+$/.test(digits) ? digits : text;
    return { kind: 'turn', activity: { type: 'message', text: picked ?? typed, locale: 'zh-CN' } };
  }

  private eventInput(message: WeChatMessage): Input {
    switch (message.Event?.toLowerCase()) {
      case 'subscribe':
        return { kind: 'turn', activity: { type: 'conversationUpdate', membersAdded: [{ id: message.FromUserName, name: '' }] } };
      case 'click': {
        const category = this.options.categories.find((c) => c.id === message.EventKey);
        if (!category) {
          this.log.warn({ reason: 'unknown_menu_key' }, 'a menu click with a key no category has');
          return { kind: 'unsupported' };
        }
        return { kind: 'turn', activity: { type: 'event', name: START_QUERY_EVENT, value: category.query } };
      }
      default:
        // unsubscribe (no reply is possible), VIEW, SCAN, LOCATION reports …: nothing to say.
        return { kind: 'silent' };
    }
  }
}

/** Idle time after which a user's unread pages and pending numbers are forgotten. */
export const WECHAT_SESSION_TTL_MS = 30 * 60_000;

/** The reply's main script decides the channel's own hints: a Chinese help text naming བོད་ཡིག is still Chinese. */
function languageOf(text: string): Lang {
  const tibetan = text.match(/[\u0F00-\u0FFF]/gu)?.length ?? 0;
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  return tibetan > han ? 'bo' : 'zh-CN';
}

/** Full-width (１２) and Tibetan (༡༢) digits as ASCII, for matching a typed number to an option. */
function asciiDigits(text: string): string {
  return foldTibetanDigits(text.normalize('NFKC'));
}
