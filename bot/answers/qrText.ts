import type { Localizer } from '../i18n/localizer.js';
import type { Checklist } from './checklistBuilder.js';

/** The most a QR code may carry and still be read by an ordinary phone camera off a kiosk screen. */
export const QR_MAX_BYTES = 1200;

export interface QrText {
  text: string;
  /** the whole checklist did not fit: title, materials, time limit and phone only */
  shortened: boolean;
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * What the kiosk's QR code carries for a checklist, made once on the server so the kiosk and the
 * agent console show the same thing: the checklist's own text when it fits; else its title,
 * materials, time limit and phone, dropping materials from the end until it fits (the phone stays).
 */
export class QrTextMaker {
  constructor(
    private readonly l10n: Localizer,
    private readonly maxBytes = QR_MAX_BYTES,
  ) {}

  make(c: Checklist, plainText: string): QrText {
    if (bytes(plainText) <= this.maxBytes) return { text: plainText, shortened: false };
    const t = (k: string, v?: Record<string, unknown>): string => this.l10n.t(c.lang, `web:kiosk.${k}`, v);
    const lines = [t('qrShortTitle', { title: c.title }), `${t('qrMaterials')}:`];
    c.materials.forEach((m, i) => lines.push(`${i + 1}. ${m.text}${m.form ? `（${m.form}）` : ''}`));
    lines.push(`${t('qrTimeLimit')}: ${c.timeLimit}`);
    if (c.office) lines.push(`${t('qrOffice')}: ${c.officeName ?? c.office.name} ${c.office.phones.join(' / ')}`);
    const fixedTail = c.office ? 2 : 1;
    while (bytes(lines.join('\n')) > this.maxBytes && lines.length > 2 + fixedTail) lines.splice(lines.length - fixedTail - 1, 1);
    return { text: lines.join('\n'), shortened: true };
  }
}
