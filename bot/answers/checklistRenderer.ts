import type { Attachment } from 'botbuilder';
import type { Lang, Localizer } from '../i18n/localizer.js';
import type { Checklist, ChecklistLine } from './checklistBuilder.js';

/** Numbers the guide uses for its 30 items; matter 31 exists only in the list. */
const GUIDE_ITEMS = 30;

/**
 * One checklist, two renderings from the same data: an Adaptive Card where the
 * channel shows cards, plain numbered text where it does not (WeChat, SMS).
 */
export class ChecklistRenderer {
  constructor(private readonly l10n: Localizer) {}

  sources(c: Checklist, lang: Lang): string {
    const parts: string[] = [];
    if (c.no <= GUIDE_ITEMS) parts.push(this.l10n.t(lang, 'sourceGuide', { no: c.no }));
    if (c.no > GUIDE_ITEMS || [...c.materials, ...c.notes].some((l) => l.fromList)) parts.push(this.l10n.t(lang, 'sourceList'));
    return this.l10n.t(lang, 'sourceLine', { sources: parts.join('；') });
  }

  officeLines(c: Checklist, lang: Lang): string[] {
    const t = (k: string, v?: Record<string, unknown>): string => this.l10n.t(lang, k, v);
    const lines: string[] = [];
    if (c.office) lines.push(t('officeLine', { name: c.office.name, phones: c.office.phones.join('，') }));
    if (c.officeLevel === 'region' && c.office && !c.office.prefecture) lines.push(t('officeRegionOnly'));
    if (c.officeLevel === 'prefecture' && c.office) lines.push(t('officePrefectureOnly', { prefecture: c.office.name }));
    return lines;
  }

  private line(l: ChecklistLine, lang: Lang): string {
    const form = l.form && !l.text.includes(l.form) ? `（${l.form}）` : '';
    return `${l.text}${form}${l.fromList ? this.l10n.t(lang, 'fromList') : ''}`;
  }

  toText(c: Checklist, lang: Lang): string {
    const t = (k: string, v?: Record<string, unknown>): string => this.l10n.t(lang, k, v);
    const out: string[] = [t('checklistTitle', { title: c.title }), '', `【${t('materials')}】`];
    c.materials.forEach((m, i) => out.push(`${i + 1}. ${this.line(m, lang)}`));
    out.push('', `【${t('timeLimit')}】${c.timeLimit}`);
    out.push(`【${t('process')}】${c.process.join('—')}`);
    const later = c.channelsLater.length > 0 ? `（${t('laterChannels', { channels: c.channelsLater.join('、') })}）` : '';
    out.push(`【${t('channels')}】${c.channelsNow.join('、')}${later}`);
    out.push(`【${t('unit')}】${[c.unit, ...c.otherUnits].join('；')}`);
    const offices = this.officeLines(c, lang);
    if (offices.length > 0) out.push(`【${t('office')}】${offices.join(' ')}`);
    if (c.notes.length > 0) {
      out.push('', `【${t('notes')}】`);
      c.notes.forEach((n, i) => out.push(`${i + 1}. ${this.line(n, lang)}`));
    }
    if (c.related.length > 0) {
      out.push('', `【${t('related')}】`);
      for (const r of c.related) out.push(`· ${t('relatedLine', { title: r.title, reason: r.reason })}`);
    }
    out.push('', this.sources(c, lang));
    return out.join('\n');
  }

  toCard(c: Checklist, lang: Lang): Attachment {
    const t = (k: string, v?: Record<string, unknown>): string => this.l10n.t(lang, k, v);
    const heading = (text: string): object => ({ type: 'TextBlock', text, weight: 'Bolder', spacing: 'Medium', wrap: true });
    const text = (value: string, extra: object = {}): object => ({ type: 'TextBlock', text: value, wrap: true, ...extra });
    const body: object[] = [
      text(t('checklistTitle', { title: c.title }), { size: 'Large', weight: 'Bolder' }),
      heading(t('materials')),
      ...c.materials.map((m, i) => text(`${i + 1}. ${this.line(m, lang)}`)),
      {
        type: 'FactSet',
        spacing: 'Medium',
        facts: [
          { title: t('timeLimit'), value: c.timeLimit },
          { title: t('process'), value: c.process.join('—') },
          {
            title: t('channels'),
            value: `${c.channelsNow.join('、')}${c.channelsLater.length > 0 ? `（${t('laterChannels', { channels: c.channelsLater.join('、') })}）` : ''}`,
          },
          { title: t('unit'), value: [c.unit, ...c.otherUnits].join('；') },
          ...(this.officeLines(c, lang).length > 0 ? [{ title: t('office'), value: this.officeLines(c, lang).join(' ') }] : []),
        ],
      },
    ];
    if (c.notes.length > 0) body.push(heading(t('notes')), ...c.notes.map((n, i) => text(`${i + 1}. ${this.line(n, lang)}`)));
    if (c.related.length > 0) body.push(heading(t('related')), ...c.related.map((r) => text(`· ${t('relatedLine', { title: r.title, reason: r.reason })}`)));
    body.push(text(this.sources(c, lang), { isSubtle: true, size: 'Small', spacing: 'Medium' }));
    return {
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.3', lang: lang === 'bo' ? 'bo' : 'zh-CN', body },
    };
  }
}
