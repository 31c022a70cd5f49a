/**
 * Event activities the pages send (README: "Events the pages send"). The dialogs act on the
 * event's name, never on the words of a message, so a button works in either language.
 */

/** 转人工 / མི་ངོ་མ: the person wants a person; answered with their county's office and phones. */
export const HANDOFF_EVENT = 'handoff';

/** The kiosk says it is one, with the hall's county (`value.county`), so 就在本县 can be offered. */
export const KIOSK_EVENT = 'kiosk';

/**
 * A question to start from (string `value`), dropping whatever was pending: a WeChat menu click.
 * AssistantBot handles it before the dialogs; a channel sends it without knowing the bot.
 */
export const START_QUERY_EVENT = 'startQuery';

/** The events the main dialog handles; any other event name is not run through the dialogs. */
export const PAGE_EVENTS: ReadonlySet<string> = new Set([HANDOFF_EVENT, KIOSK_EVENT]);

/** The county a kiosk event names, if it names one as a string. */
export function kioskCounty(value: unknown): string | undefined {
  const county = (value as { county?: unknown } | null | undefined)?.county;
  return typeof county === 'string' && county.trim() !== '' ? county.trim().slice(0, 40) : undefined;
}
