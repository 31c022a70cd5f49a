import { MessageFactory, type Activity, type CardAction, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type { ChecklistBuilder } from '../bot/answers/checklistBuilder.js';
import type { ChecklistRenderer } from '../bot/answers/checklistRenderer.js';
import { joinItems, localize, officeName } from '../bot/answers/knowledgeText.js';
import { DEFAULT_LANG, wholeMessage, type Lang, type Localizer } from '../bot/i18n/localizer.js';
import type { Category, KnowledgeBase } from '../bot/knowledge/knowledgeBase.js';
import type { Office } from '../bot/knowledge/schema.js';
import type { Understanding, Understood } from '../bot/understanding/understanding.js';
import type { UserProfile } from './userProfile.js';

const UNDERSTOOD = Symbol('understood');

/** What every dialog needs, injected once by the composition root. */
export class DialogServices {
  constructor(
    readonly knowledge: KnowledgeBase,
    readonly understanding: Understanding,
    readonly l10n: Localizer,
    readonly checklists: ChecklistBuilder,
    readonly renderer: ChecklistRenderer,
    readonly profile: StatePropertyAccessor<UserProfile>,
  ) {}

  async getProfile(context: TurnContext): Promise<UserProfile> {
    return this.profile.get(context, {});
  }

  /** The person's choice, else the client's locale (Web Chat and the kiosk send "bo"), else Chinese. */
  async lang(context: TurnContext): Promise<Lang> {
    const chosen = (await this.getProfile(context)).lang;
    if (chosen) return chosen;
    return /^bo\b/i.test(context.activity.locale ?? '') ? 'bo' : DEFAULT_LANG;
  }

  async t(context: TurnContext, key: string, vars?: Record<string, unknown>): Promise<string> {
    return this.l10n.t(await this.lang(context), key, vars);
  }

  /** A message built from a locale key; the key travels in channelData so clients and tests can tell messages apart. */
  async message(context: TurnContext, key: string, vars?: Record<string, unknown>): Promise<Partial<Activity>> {
    const activity = MessageFactory.text(await this.t(context, key, vars));
    activity.channelData = { messageKey: key };
    return activity;
  }

  async say(context: TurnContext, key: string, vars?: Record<string, unknown>): Promise<void> {
    await context.sendActivity(await this.message(context, key, vars));
  }

  /**
   * What a message means, worked out once per turn: the main dialog routes on it and the
   * feedback middleware records its guesses from the same result.
   */
  understand(context: TurnContext, text: string): Understood {
    const cached = context.turnState.get(UNDERSTOOD) as { text: string; found: Understood } | undefined;
    if (cached?.text === text) return cached.found;
    const found = this.understanding.understand(text);
    context.turnState.set(UNDERSTOOD, { text, found });
    return found;
  }

  /** The main categories as buttons that start them (welcome, help, fallback), in the person's language. */
  categoryActions(lang: Lang = DEFAULT_LANG): CardAction[] {
    return this.knowledge.categories.map((c) => ({
      type: 'imBack',
      title: localize(c, 'label', lang).text,
      value: lang === 'bo' && c.bo?.query ? c.bo.query.text : c.query,
    }));
  }

  /**
   * The category a message names as a whole (a kiosk button, a menu click, a typed category name),
   * in either language; its matters are then offered as a choice rather than guessed from the words.
   */
  categoryNamed(text: string): Category | undefined {
    const cleaned = wholeMessage(text);
    if (cleaned === '') return undefined;
    return this.knowledge.categories.find((c) =>
      [c.query, c.label, c.bo?.label.text, c.bo?.query?.text].some((name) => name !== undefined && wholeMessage(name) === cleaned),
    );
  }

  /** An office's name as the person reads it (its Tibetan name in Tibetan; the directory label otherwise). */
  officeLabel(office: Office, lang: Lang): string {
    return officeName(office, lang).text;
  }

  phones(office: Office, lang: Lang): string {
    return joinItems(office.phones, this.l10n.t(lang, 'phoneSeparator'));
  }

  office(name: string | undefined): Office | undefined {
    return name ? this.understanding.offices.byName(name) : undefined;
  }
}
