import type { Lang } from '../bot/i18n/localizer.js';

/** What the assistant remembers about a person for the rest of the conversation (user state). */
export interface UserProfile {
  lang?: Lang;
  /** directory label of the office for where the person is */
  office?: string;
  /** directory label of the office for the county of household registration (户籍所在地) */
  householdOffice?: string;
}
