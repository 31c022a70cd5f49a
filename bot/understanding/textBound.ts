/**
 * How much of a message the understanding pipeline reads: the same 500 characters
 * /api/search accepts. A question is never longer; a pasted 4,000-character letter
 * must not buy 4,000 characters' worth of CPU on the event loop (issue 11, defect 5).
 */
export const UNDERSTOOD_CHARS = 500;

/** The first `max` characters (code points, so a surrogate pair is never split) of `text`. */
export function firstChars(text: string, max: number = UNDERSTOOD_CHARS): string {
  // A UTF-16 length within the bound holds at most that many code points.
  if (text.length <= max) return text;
  let count = 0;
  let end = 0;
  while (end < text.length && count < max) {
    const code = text.codePointAt(end)!;
    end += code > 0xffff ? 2 : 1;
    count++;
  }
  return text.slice(0, end);
}
