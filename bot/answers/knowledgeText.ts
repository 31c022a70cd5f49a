import type { Lang } from '../i18n/localizer.js';
import type { BoText, Office } from '../knowledge/schema.js';

/** A knowledge string in the person's language, and whether that took a draft or fell back to Chinese. */
export interface Localized {
  text: string;
  /** the Tibetan is a draft awaiting review */
  draft: boolean;
  /** no Tibetan exists: `text` is the Chinese */
  missing: boolean;
}

type WithBo = { bo?: Record<string, unknown> } & object;

/**
 * The text of `owner[field]` (or of its `index`-th item) in `lang`, from the
 * sibling `bo[field]` the schema defines. The fallback when no Tibetan exists
 * is the Chinese, flagged `missing` so the answer can label it.
 */
export function localize(owner: WithBo, field: string, lang: Lang, index?: number): Localized {
  const raw = (owner as Record<string, unknown>)[field];
  const zh = String(index === undefined ? (raw ?? '') : ((raw as unknown[] | undefined)?.[index] ?? ''));
  if (lang !== 'bo') return { text: zh, draft: false, missing: false };
  const value = owner.bo?.[field];
  const bo = (index === undefined ? value : (value as unknown[] | undefined)?.[index]) as BoText | undefined;
  return bo ? { text: bo.text, draft: bo.status === 'draft', missing: false } : { text: zh, draft: false, missing: true };
}

/** Every item of an array field in `lang`. */
export function localizeAll(owner: WithBo, field: string, lang: Lang): Localized[] {
  const items = (owner as Record<string, unknown>)[field];
  return Array.isArray(items) ? items.map((_, i) => localize(owner, field, lang, i)) : [];
}

/** Without the shad that closes a Tibetan text as a sentence of its own. */
export function withoutClosingShad(text: string): string {
  return text.replace(/[\u0F0D-\u0F12\s]+$/u, '');
}

/** A name set inside a sentence or on a button. */
export function asName(l: Localized): Localized {
  return { ...l, text: withoutClosingShad(l.text) };
}

/** An office's name in `lang`: its Tibetan name (a verified one first), else the directory's Chinese label. */
export function officeName(office: Office, lang: Lang): Localized {
  if (lang !== 'bo') return { text: office.name, draft: false, missing: false };
  const name = office.tibetan.find((t) => t.status === 'verified') ?? office.tibetan[0];
  return name ? asName({ text: name.script, draft: name.status === 'draft', missing: false }) : { text: office.name, draft: false, missing: true };
}

/** Joins items with a separator, not doubling a shad the item already ends with ("ཀ།། ཁ" → "ཀ། ཁ"). */
export function joinItems(items: readonly string[], separator: string): string {
  const mark = separator.trimEnd();
  return items.map((x, i) => (i === items.length - 1 ? x : mark !== '' && x.endsWith(mark) ? x + separator.slice(mark.length) : x + separator)).join('');
}
