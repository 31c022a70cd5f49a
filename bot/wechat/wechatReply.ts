import type { Activity } from 'botbuilder';

/** WeChat's limit for a passive text reply, in UTF-8 bytes. */
export const WECHAT_TEXT_LIMIT = 2048;

export interface RenderedReply {
  text: string;
  /** what replying "1", "2" … sends: the values of the last message's suggested actions */
  actions: string[];
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * One text for a turn's messages, joined by blank lines. WeChat shows no cards:
 * a checklist's plain text stands in for its card, and suggested actions become
 * numbered lines when they end the reply (a number then answers them) or a
 * plain list otherwise, so numbers never clash with a prompt's own numbered choices.
 */
export function renderReply(activities: readonly Partial<Activity>[]): RenderedReply {
  const parts: string[] = [];
  let actions: string[] = [];
  activities.forEach((activity, i) => {
    const plain = (activity.channelData as { plainText?: unknown } | undefined)?.plainText;
    const lines = [typeof plain === 'string' ? plain : (activity.text ?? '')];
    const suggested = activity.suggestedActions?.actions ?? [];
    if (suggested.length > 0) {
      const last = i === activities.length - 1;
      suggested.forEach((a, n) => lines.push(last ? `${n + 1}. ${a.title ?? String(a.value)}` : `· ${a.title ?? String(a.value)}`));
      if (last) actions = suggested.map((a) => String(a.value ?? a.title ?? ''));
    }
    const text = lines
      .filter((l) => l.trim() !== '')
      .join('\n')
      .trim();
    if (text !== '') parts.push(text);
  });
  return { text: parts.join('\n\n'), actions };
}

/**
 * Splits `text` into pages of at most `maxBytes` UTF-8 bytes, on line boundaries
 * (a line longer than a page is cut between characters). Every page but the
 * last ends with `hint` (which says how to get the next one).
 */
export function paginate(text: string, maxBytes: number, hint: string): string[] {
  if (bytes(text) <= maxBytes) return [text];
  const room = maxBytes - bytes(hint) - 1;
  if (room < 64) throw new RangeError('the page limit leaves no room beside the hint');
  const pieces = text.split('\n').flatMap((line) => (bytes(line) <= room ? [line] : cutLine(line, room)));
  const pages: string[] = [];
  let page = '';
  for (const piece of pieces) {
    const candidate = page === '' ? piece : `${page}\n${piece}`;
    if (bytes(candidate) <= room || page === '') {
      page = candidate;
    } else {
      pages.push(page);
      page = piece;
    }
  }
  // The last page has no hint, so it may use the whole limit: fold it into the previous page when that fits.
  const last = pages.at(-1);
  if (last !== undefined && bytes(`${last}\n${page}`) <= maxBytes) pages[pages.length - 1] = `${last}\n${page}`;
  else pages.push(page);
  return pages.map((p, i) => (i < pages.length - 1 ? `${p.replace(/\n+$/, '')}\n${hint}` : p.replace(/^\n+/, '')));
}

function cutLine(line: string, room: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const ch of line) {
    if (bytes(current + ch) > room) {
      out.push(current);
      current = '';
    }
    current += ch;
  }
  if (current !== '') out.push(current);
  return out;
}
