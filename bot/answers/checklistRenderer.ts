import type { Attachment } from 'botbuilder';
import type { Lang, Localizer } from '../i18n/localizer.js';
import type { Checklist, ChecklistLine } from './checklistBuilder.js';
import { joinItems, withoutClosingShad } from './knowledgeText.js';
import { phoneList } from './phoneLinks.js';

/**
 * One checklist, two renderings from the same data: an Adaptive Card where the
 * channel shows cards, plain numbered text where it does not (WeChat, SMS).
 */
export class ChecklistRenderer {
  constructor(private readonly l10n: Localizer) {}

  private sources(c: Checklist, lang: Lang): string {
    const parts: string[] = [];
    // Which document a matter comes from is data (its title's source), not a number range.
    if (c.fromGuide) parts.push(this.l10n.t(lang, 'sourceGuide', { no: c.no }));
    if (!c.fromGuide || [...c.materials, ...c.notes].some((l) => l.fromList)) parts.push(this.l10n.t(lang, 'sourceList'));
    return this.l10n.t(lang, 'sourceLine', { sources: joinItems(parts, this.l10n.t(lang, 'partSeparator')) });
  }

  /** `links`: phones as tap-to-call markdown links (the card); plain in the text, which WeChat and the printout show. */
  private officeLines(c: Checklist, lang: Lang, links = false): string[] {
    const t = (k: string, v?: Record<string, unknown>): string => this.l10n.t(lang, k, v);
    const lines: string[] = [];
    const name = this.marked(c, c.officeName ?? '', lang);
    if (c.office) lines.push(t('officeLine', { name, phones: joinItems(phoneList(c.office.phones, links), t('phoneSeparator')) }));
    if (c.officeLevel === 'region' && c.office && !c.office.prefecture) lines.push(t('officeRegionOnly'));
    if (c.officeLevel === 'prefecture' && c.office) lines.push(t('officePrefectureOnly', { prefecture: name }));
    return lines;
  }

  /** A text with no Tibetan yet is shown in Chinese, labelled as the Chinese original. */
  private marked(c: Checklist, text: string, lang: Lang): string {
    return c.untranslated.includes(text) ? `${text}${this.l10n.t(lang, 'untranslated')}` : text;
  }

  private line(c: Checklist, l: ChecklistLine, lang: Lang): string {
    const text = this.marked(c, l.text, lang);
    const withForm = l.form && !l.text.includes(l.form) ? this.l10n.t(lang, 'formLine', { text, form: this.marked(c, l.form, lang) }) : text;
    return `${withForm}${this.marks(c, l, lang)}`;
  }

  /** Where a line comes from when that is not plain: only the list, another item's note, or the editors' inference. */
  private marks(c: Checklist, l: { fromList?: boolean; judgement: boolean; cite?: string }, lang: Lang): string {
    const t = (k: string, v?: Record<string, unknown>): string => this.l10n.t(lang, k, v);
    return [l.fromList ? t('fromList') : '', l.cite ? t('citeMark', { cite: this.marked(c, l.cite, lang) }) : '', l.judgement ? t('judgementMark') : ''].join(
      '',
    );
  }

  /** The parts of a checklist both renderings share, already joined and labelled. */
  private facts(c: Checklist, lang: Lang): { timeLimit: string; process: string; channels: string; unit: string } {
    const t = (k: string, v?: Record<string, unknown>): string => this.l10n.t(lang, k, v);
    const m = (s: string): string => this.marked(c, s, lang);
    const later = c.channelsLater.length > 0 ? `（${t('laterChannels', { channels: joinItems(c.channelsLater.map(m), t('listSeparator')) })}）` : '';
    return {
      timeLimit: m(c.timeLimit),
      process: c.process.map((x) => m(withoutClosingShad(x))).join('—'),
      channels: `${joinItems(c.channelsNow.map(m), t('listSeparator'))}${later}`,
      unit: joinItems([c.unit, ...c.otherUnits].map(m), t('partSeparator')),
    };
  }

  private relatedLines(c: Checklist, lang: Lang): string[] {
    return c.related.map(
      (r) => `· ${this.l10n.t(lang, 'relatedLine', { title: this.marked(c, r.title, lang), reason: this.marked(c, r.reason, lang) })}${this.marks(c, r, lang)}`,
    );
  }

  /** Said once at the end, rather than on every line: the Tibetan here awaits a native speaker's review. */
  private closing(c: Checklist, lang: Lang): string[] {
    return [this.sources(c, lang), ...(c.lang === 'bo' && c.draft ? [this.l10n.t(lang, 'draftNotice')] : [])];
  }

  /** Plain numbered text in the checklist's own language. */
  toText(c: Checklist): string {
    const lang = c.lang;
    const t = (k: string, v?: Record<string, unknown>): string => this.l10n.t(lang, k, v);
    const f = this.facts(c, lang);
    const out: string[] = [t('checklistTitle', { title: this.marked(c, c.title, lang) }), '', `【${t('materials')}】`];
    c.materials.forEach((m, i) => out.push(`${i + 1}. ${this.line(c, m, lang)}`));
    out.push('', `【${t('timeLimit')}】${f.timeLimit}`);
    out.push(`【${t('process')}】${f.process}`);
    out.push(`【${t('channels')}】${f.channels}`);
    out.push(`【${t('unit')}】${f.unit}`);
    const offices = this.officeLines(c, lang);
    if (offices.length > 0) out.push(`【${t('office')}】${offices.join(' ')}`);
    if (c.notes.length > 0) {
      out.push('', `【${t('notes')}】`);
      c.notes.forEach((n, i) => out.push(`${i + 1}. ${this.line(c, n, lang)}`));
    }
    if (c.related.length > 0) out.push('', `【${t('related')}】`, ...this.relatedLines(c, lang));
    out.push('', ...this.closing(c, lang));
    return out.join('\n');
  }

  /** An Adaptive Card in the checklist's own language. */
  toCard(c: Checklist): Attachment {
    const lang = c.lang;
    const t = (k: string, v?: Record<string, unknown>): string => this.l10n.t(lang, k, v);
    const heading = (text: string): object => ({ type: 'TextBlock', text, weight: 'Bolder', spacing: 'Medium', wrap: true });
    const text = (value: string, extra: object = {}): object => ({ type: 'TextBlock', text: value, wrap: true, ...extra });
    const f = this.facts(c, lang);
    const offices = this.officeLines(c, lang, true);
    const body: object[] = [
      text(t('checklistTitle', { title: this.marked(c, c.title, lang) }), { size: 'Large', weight: 'Bolder' }),
      heading(t('materials')),
      ...c.materials.map((m, i) => text(`${numbered(i)}${this.line(c, m, lang)}`)),
      {
        type: 'FactSet',
        spacing: 'Medium',
        facts: [
          { title: t('timeLimit'), value: f.timeLimit },
          { title: t('process'), value: f.process },
          { title: t('channels'), value: f.channels },
          { title: t('unit'), value: f.unit },
          ...(offices.length > 0 ? [{ title: t('office'), value: offices.join(' ') }] : []),
        ],
      },
    ];
    if (c.notes.length > 0) body.push(heading(t('notes')), ...c.notes.map((n, i) => text(`${numbered(i)}${this.line(c, n, lang)}`)));
    if (c.related.length > 0) body.push(heading(t('related')), ...this.relatedLines(c, lang).map((l) => text(l)));
    body.push(...this.closing(c, lang).map((l) => text(l, { isSubtle: true, size: 'Small', spacing: 'Medium' })));
    return {
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.3',
        lang: lang === 'bo' ? 'bo' : 'zh-CN',
        body,
      },
    };
  }
}

/** A card's TextBlock reads "2. …" as a markdown list of its own and shows "1."; the escaped dot keeps the number. */
function numbered(i: number): string {
  return `${i + 1}\\. `;
}
