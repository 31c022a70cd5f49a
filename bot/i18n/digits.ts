/** Tibetan digits (༡ ༢ ༣), as Tibetan keyboards type them, read as the ASCII digits they are. */
export function foldTibetanDigits(text: string): string {
  return text.replace(/[\u0F20-\u0F29]/gu, (d) => String(d.charCodeAt(0) - 0x0f20));
}
