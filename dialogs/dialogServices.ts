import { MessageFactory, type Activity, type CardAction, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type { ChecklistBuilder } from '../bot/answers/checklistBuilder.js';
import type { ChecklistRenderer } from '../bot/answers/checklistRenderer.js';
import { joinItems, localize, officeName } from '../bot/answers/knowledgeText.js';
import { phoneList } from '../bot/answers/phoneLinks.js';
import { DEFAULT_LANG, wholeMessage, type Lang, type Localizer } from '../bot/i18n/localizer.js';
import type { Category, KnowledgeBase } from '../bot/knowledge/knowledgeBase.js';
import type { OfficeDirectory } from '../bot/knowledge/officeDirectory.js';
import type { Office } from '../bot/knowledge/schema.js';
import type { Understanding, Understood } from '../bot/understanding/understanding.js';
import { showsCards } from './channels.js';
import { ConversationEvents } from './conversationEvents.js';
import { SmallTalk } from './smallTalk.js';
import type { UserProfile } from './userProfile.js';

const UNDERSTOOD = Symbol('understood');
const SESSION_CHECKED = Symbol('sessionChecked');
/**
 * After this long without a message the person is taken to have come back, not to be still
 * talking: WeChat keeps one conversation per openid, so a new conversation id alone cannot say so.
 * The same span WeChat's pending numbers live.
 */
export const SESSION_IDLE_MS = 30 * 60_000;
const SESSION_REFRESH_MS = 60_000;

/** What every dialog needs, injected once by the composition root. */
export class DialogServices {
  constructor(
    readonly knowledge: KnowledgeBase,
    readonly understanding: Understanding,
    readonly l10n: Localizer,
    readonly checklists: ChecklistBuilder,
    readonly renderer: ChecklistRenderer,
    readonly profile: StatePropertyAccessor<UserProfile>,
    /** the clock that says how long a person has been away (tests move it) */
    private readonly now: () => number = Date.now,
  ) {
    this.smallTalk = new SmallTalk(l10n);
    this.offices = knowledge.directory;
  }

  /** the office hierarchy (region, prefectures, counties) */
  readonly offices: OfficeDirectory;

  /** what the dialogs report as it happens (review queue, feedback) */
  readonly events = new ConversationEvents();
  readonly smallTalk: SmallTalk;

  /**
   * The person's profile. On the first read of a turn that starts a new session (another
   * conversation id, or back after SESSION_IDLE_MS), the places named before move to
   * `earlier`: they are offered again, never used silently.
   */
  async getProfile(context: TurnContext): Promise<UserProfile> {
    const profile = await this.profile.get(context, {});
    if (context.turnState.get(SESSION_CHECKED)) return profile;
    context.turnState.set(SESSION_CHECKED, true);
    const conversation = context.activity.conversation?.id ?? '';
    const now = this.now();
    const session = profile.session;
    if (!session || session.conversation !== conversation || now - session.lastSeen > SESSION_IDLE_MS) {
      const { office, householdOffice } = profile;
      if (office || householdOffice) profile.earlier = { ...profile.earlier, ...(office ? { office } : {}), ...(householdOffice ? { householdOffice } : {}) };
      delete profile.office;
      delete profile.householdOffice;
    }
    // Refreshed at most once a minute: each refresh is a write of the user's state file.
    if (profile.session?.conversation !== conversation || now - profile.session.lastSeen > SESSION_REFRESH_MS) {
      profile.session = { conversation, lastSeen: now };
      await this.profile.set(context, profile);
    }
    return profile;
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

  /** The office's phones; given the turn, as tap-to-call links on channels that render them. */
  phones(office: Office, lang: Lang, context?: TurnContext): string {
    const links = context !== undefined && showsCards(context.activity.channelId);
    return joinItems(phoneList(office.phones, links), this.l10n.t(lang, 'phoneSeparator'));
  }

  /** The one county office a name means (江孜, 江孜县, རྒྱལ་རྩེ), if it plainly means one. */
  county(name: string | undefined): Office | undefined {
    if (!name) return undefined;
    const found = this.understanding.placesIn(name);
    const office = found.outcome === 'match' ? found.matches[0]?.office : undefined;
    return office?.level === 'county' ? office : undefined;
  }

  office(name: string | undefined): Office | undefined {
    return name ? this.offices.byName(name) : undefined;
  }
}
