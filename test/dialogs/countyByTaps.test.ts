import type { Activity, CardAction } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { asName, localize, officeName } from '../../bot/answers/knowledgeText.js';
import type { Lang } from '../../bot/i18n/localizer.js';
import { HANDOFF_EVENT, KIOSK_EVENT } from '../../dialogs/pageEvents.js';
import { assistantClient } from '../support/assistantHarness.js';
import { keyOf, localizer } from '../support/botHarness.js';
import { knowledge } from '../support/services.js';

/**
 * A kiosk has no keyboard: a county-handled matter must reach its checklist by tapping buttons
 * alone. The whole bot (welcome, events, dialogs) on the Direct Line channel, which the kiosk and
 * Web Chat use; every message sent is the value of a button the previous replies offered.
 */
const kb = await knowledge();
const l10n = await localizer();
const PLACE_KEYS = new Set(['askCounty', 'askHousehold', 'askPrefecture', 'earlierPlace', 'whichCounty', 'whichPlace']);

/** Every button of a turn's replies: suggested actions and hero-card buttons. */
function buttons(replies: Partial<Activity>[]): CardAction[] {
  return replies.flatMap((r) => [
    ...(r.suggestedActions?.actions ?? []),
    ...(r.attachments ?? []).flatMap((a) => (a.content as { buttons?: CardAction[] } | undefined)?.buttons ?? []),
  ]);
}

const checklistOf = (replies: Partial<Activity>[]) =>
  (replies.find((r) => keyOf(r) === 'checklist')?.channelData as { checklist: { no: number; office: string | null } } | undefined)?.checklist;

/**
 * Taps through a conversation: a button titled as the script's next entry when one is offered,
 * else (a matter's own question) the first button; a place question the script does not answer
 * fails, so the place is reached only by the taps the script names.
 */
async function tapThrough(send: (a: Partial<Activity>) => Promise<Partial<Activity>[]>, first: Partial<Activity>[], script: string[]) {
  let replies = first;
  const left = [...script];
  const keys: (string | undefined)[] = [];
  for (let i = 0; i < 15; i++) {
    keys.push(...replies.map(keyOf));
    const checklist = checklistOf(replies);
    if (checklist) return { checklist, left, keys };
    const offered = buttons(replies);
    const named = offered.find((b) => b.title === left[0]);
    if (named) left.shift();
    else if (replies.some((r) => PLACE_KEYS.has(keyOf(r) ?? ''))) {
      throw new Error(`place asked; script has ${left[0]}; offered ${offered.map((b) => b.title).join(' | ')}`);
    }
    const tap = named ?? offered[0];
    if (!tap) throw new Error(`no button to tap after ${replies.map(keyOf).join(',')}`);
    replies = await send({ type: 'message', text: String(tap.value) });
  }
  throw new Error('no checklist after 15 taps');
}

/** Answers a matter's own questions with their first button until a place is asked. */
async function untilPlace(send: (a: string) => Promise<Partial<Activity>[]>, opening: string) {
  let replies = await send(opening);
  for (let i = 0; i < 10 && !replies.some((r) => PLACE_KEYS.has(keyOf(r) ?? '')); i++) replies = await send(String(buttons(replies)[0]!.value));
  return replies;
}

const label = (name: string, lang: Lang) =>
  officeName(
    kb.offices.find((o) => o.name === name)!,
    lang,
  ).text;
const category = (lang: Lang) =>
  localize(
    kb.categories.find((c) => c.id === 'reimburse')!,
    'label',
    lang,
  ).text;
const title = (no: number, lang: Lang) => asName(localize(kb.matter(no)!, 'title', lang)).text;
const shigatse = kb.offices.filter((o) => o.level === 'county' && o.prefecture === '日喀则市' && !o.special);
/** a county on the second page of 日喀则市's 18 (8 a page) */
const secondPage = shigatse[9]!.name;

describe('a county-handled matter reaches its checklist by taps alone (kiosk and Web Chat)', () => {
  // [language, the kiosk's hall county or none, the buttons tapped by title, the office the checklist names]
  const table: [Lang, string | undefined, (lang: Lang) => string[], string][] = [
    ['zh-CN', '江孜县', (lang) => [category(lang), title(19, lang), l10n.t(lang, 'hereInHall', { name: label('江孜县', lang) })], '江孜县'],
    ['bo', '江孜县', (lang) => [category(lang), title(19, lang), l10n.t(lang, 'hereInHall', { name: label('江孜县', lang) })], '江孜县'],
    ['zh-CN', undefined, (lang) => [category(lang), title(19, lang), label('山南市', lang), label('桑日县', lang)], '桑日县'],
    ['bo', undefined, (lang) => [category(lang), title(19, lang), label('山南市', lang), label('桑日县', lang)], '桑日县'],
    // 18 counties: one page of 8 and a button for more
    ['zh-CN', undefined, (lang) => [category(lang), title(19, lang), label('日喀则市', lang), l10n.t(lang, 'morePlaces'), label(secondPage, lang)], secondPage],
    ['bo', undefined, (lang) => [category(lang), title(19, lang), label('日喀则市', lang), l10n.t(lang, 'morePlaces'), label(secondPage, lang)], secondPage],
  ];

  it.each(table)('%s, hall %s', async (lang, hall, script, office) => {
    const { send } = await assistantClient('directline');
    const welcome = await send({ type: 'conversationUpdate', membersAdded: [{ id: 'user', name: 'user' }], locale: lang });
    if (hall) expect(await send({ type: 'event', name: KIOSK_EVENT, value: { county: hall }, locale: lang })).toEqual([]);
    const { checklist, left, keys } = await tapThrough((a) => send({ ...a, locale: lang }), welcome, script(lang));
    expect(left).toEqual([]);
    // A tapped place is its own name: never asked back as 您说的是…吗？
    expect(keys).not.toContain('confirmPlace');
    expect(checklist).toMatchObject({ no: 19, office });
  });

  it('offers the hall first, then the 7 prefectures; typing a county still works', async () => {
    const { send } = await assistantClient('directline');
    await send({ type: 'event', name: KIOSK_EVENT, value: { county: '江孜' } });
    const asked = await untilPlace(send, '住院费用报销');
    const place = asked.find((r) => keyOf(r) === 'askCounty')!;
    const titles = place.suggestedActions!.actions.map((a) => a.title);
    const prefectures = kb.offices.filter((o) => o.level === 'prefecture').map((o) => o.name);
    expect(titles).toEqual([l10n.t('zh-CN', 'hereInHall', { name: '江孜县' }), ...prefectures]);
    const typed = await send('乃东区');
    expect(checklistOf(typed)?.office).toBe('山南市乃东区');
  });

  it('a kiosk event naming no county the directory knows changes nothing', async () => {
    const { send } = await assistantClient('directline');
    expect(await send({ type: 'event', name: KIOSK_EVENT, value: { county: '火星县' } })).toEqual([]);
    const asked = await untilPlace(send, '住院费用报销');
    const titles = asked.flatMap((r) => r.suggestedActions?.actions ?? []).map((a) => a.title);
    expect(titles.some((t) => String(t).startsWith('就在本县'))).toBe(false);
  });
});

describe('a person one tap away: the handoff event', () => {
  it('mid-question: asks the county by taps, then gives that office and its phones as tel: links', async () => {
    const { send } = await assistantClient('directline');
    await send('住院费用报销');
    const handed = await send({ type: 'event', name: HANDOFF_EVENT });
    expect(handed.map(keyOf)).toEqual(['humanNeedsPlace', 'askCounty']);
    const counties = await send({ type: 'message', text: '山南市' });
    expect(counties.map(keyOf)).toEqual(['whichCounty']);
    const [human] = await send({ type: 'message', text: '错那县' });
    expect(keyOf(human!)).toBe('human');
    const cuona = kb.offices.find((o) => o.name === '错那县')!;
    for (const phone of cuona.phones) expect(human!.text).toContain(`[${phone}](tel:${phone.replace(/-/g, '')})`);
  });

  it('with the county known (after a checklist), answers at once, in Tibetan too', async () => {
    const { send } = await assistantClient('directline');
    const welcome = await send({ type: 'conversationUpdate', membersAdded: [{ id: 'user', name: 'user' }], locale: 'bo' });
    await send({ type: 'event', name: KIOSK_EVENT, value: { county: '江孜县' } });
    const script = [category('bo'), title(19, 'bo'), l10n.t('bo', 'hereInHall', { name: label('江孜县', 'bo') })];
    await tapThrough((a) => send({ ...a, locale: 'bo' }), welcome, script);
    const [human, ...rest] = await send({ type: 'event', name: HANDOFF_EVENT, locale: 'bo' });
    expect(rest).toEqual([]);
    const jiangzi = kb.offices.find((o) => o.name === '江孜县')!;
    const phones = jiangzi.phones.map((p) => `[${p}](tel:${p.replace(/-/g, '')})`).join(l10n.t('bo', 'phoneSeparator'));
    expect(human!.text).toBe(l10n.t('bo', 'human', { name: label('江孜县', 'bo'), phones }));
  });

  it('on WeChat (text only) the phones stay plain text', async () => {
    const { send } = await assistantClient('wechat');
    expect((await send({ type: 'event', name: HANDOFF_EVENT })).map(keyOf)).toEqual(['humanNeedsPlace', 'askCounty']);
    const [human] = await send('江孜县');
    const jiangzi = kb.offices.find((o) => o.name === '江孜县')!;
    expect(human!.text).toBe(l10n.t('zh-CN', 'human', { name: '江孜县', phones: jiangzi.phones.join(l10n.t('zh-CN', 'phoneSeparator')) }));
  });
});
