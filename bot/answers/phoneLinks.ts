/** Where a phone number is dialled from: its digits (and a leading +), no separators. */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/**
 * A phone as a markdown link (`[0891-6655657](tel:08916655657)`) that Web Chat, the kiosk and
 * Adaptive Cards render as a tap-to-call link; the number is shown as the directory writes it.
 */
export function telLink(phone: string): string {
  return `[${phone}](${telHref(phone)})`;
}

/** The phones for a reply: links where the channel renders markdown, else as written (WeChat text, print). */
export function phoneList(phones: readonly string[], links: boolean): string[] {
  return links ? phones.map(telLink) : [...phones];
}
