import { describe, expect, it } from 'vitest';
import { ChecklistBuilder } from '../../bot/answers/checklistBuilder.js';
import { ChecklistRenderer } from '../../bot/answers/checklistRenderer.js';
import { phoneList, telHref, telLink } from '../../bot/answers/phoneLinks.js';
import { localizer } from '../support/botHarness.js';
import { knowledge } from '../support/services.js';

const kb = await knowledge();
const builder = new ChecklistBuilder(kb, kb.directory);
const renderer = new ChecklistRenderer(await localizer());

describe('phone numbers as tap-to-call links', () => {
  it('dials the digits and shows the number as the directory writes it', () => {
    expect(telHref('0891-6655657')).toBe('tel:08916655657');
    expect(telHref('+86 139 0000 1234')).toBe('tel:+8613900001234');
    expect(telLink('0891-6655657')).toBe('[0891-6655657](tel:08916655657)');
    expect(phoneList(['0891-6609963', '18908969669'], true)).toEqual(['[0891-6609963](tel:08916609963)', '[18908969669](tel:18908969669)']);
    expect(phoneList(['0891-6609963'], false)).toEqual(['0891-6609963']);
  });

  it('every office phone makes a link whose number has only digits', () => {
    for (const o of kb.offices) for (const p of o.phones) expect(telHref(p)).toMatch(/^tel:\d{11,12}$/);
  });

  const jiangzi = kb.offices.find((o) => o.name === '江孜县')!;
  it.each(['zh-CN', 'bo'] as const)('the checklist card (%s) links every phone of its office; its plain text (WeChat, print, QR) does not', (lang) => {
    const c = builder.build(kb.matter(19)!, {}, jiangzi, lang);
    expect(c.office?.phones.length).toBeGreaterThan(0);
    const card = JSON.stringify(renderer.toCard(c));
    const text = renderer.toText(c);
    for (const p of c.office!.phones) {
      expect(card).toContain(JSON.stringify(telLink(p)).slice(1, -1));
      expect(text).toContain(p);
    }
    expect(text).not.toContain('tel:');
  });
});
