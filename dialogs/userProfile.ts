import type { Lang } from '../bot/i18n/localizer.js';

/** Places a person named; directory labels of offices. */
export interface Places {
  /** the office for where the person is */
  office?: string;
  /** the office for the county of household registration (户籍所在地) */
  householdOffice?: string;
}

/** What the assistant remembers about a person (user state: the same WeChat openid or user id). */
export interface UserProfile extends Places {
  lang?: Lang;
  /**
   * Places named in an earlier conversation: offered back in one tap, never used without
   * asking, since the person may be somewhere else now.
   */
  earlier?: Places;
  /** a kiosk's hall: the office label of its own county, offered first as 就在本县 (kiosk event) */
  hall?: string;
  /** the conversation the places above `earlier` were named in, and when the person last wrote */
  session?: { conversation: string; lastSeen: number };
}
