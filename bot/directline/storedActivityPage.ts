/**
 * An activity as stored and served: plain JSON (dates are ISO strings), with the
 * id the store assigned. Whatever the bot or the client put in is kept as is.
 */
export type StoredActivity = { id: string; type: string } & Record<string, unknown>;

export interface ActivityPage {
  activities: StoredActivity[];
  /** the watermark to ask with next time: the position of the last activity returned (or of the log's end) */
  watermark: number;
}

/**
 * A page of a log as the stores keep it, each activity's JSON text (issue 15, turn cost): a GET of the activities
 * used to parse every activity and serialise it again for the body; `json()` joins the stored texts instead.
 * `activities` is parsed only when read (the adapter's tests, a caller that needs objects), afresh for each page,
 * so callers still get copies. The text stays private (#) so that a page compares equal to `{ activities, watermark }`.
 */
export class StoredActivityPage implements ActivityPage {
  readonly #texts: readonly string[];
  #parsed: StoredActivity[] | undefined;
  declare readonly activities: StoredActivity[];
  readonly watermark: number;

  constructor(texts: readonly string[], watermark: number) {
    this.#texts = texts;
    this.watermark = watermark;
    // an own enumerable property, as a plain page has, so equality and spreading see it
    Object.defineProperty(this, 'activities', { enumerable: true, get: () => (this.#parsed ??= texts.map((t) => JSON.parse(t) as StoredActivity)) });
  }

  /** The Direct Line body `{"activities":[…],"watermark":"n"}`: the bytes JSON.stringify gives for the parsed page. */
  json(): string {
    return `{"activities":[${this.#texts.join(',')}],"watermark":${JSON.stringify(String(this.watermark))}}`;
  }

  /** The body for any page: a stored page's texts joined, another page serialised. */
  static json(page: ActivityPage): string {
    return page instanceof StoredActivityPage ? page.json() : JSON.stringify({ activities: page.activities, watermark: String(page.watermark) });
  }
}
