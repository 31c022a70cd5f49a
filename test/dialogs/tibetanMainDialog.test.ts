import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { assistantClient } from '../support/assistantHarness.js';
import { keyOf, localizer } from '../support/botHarness.js';
import { knowledge } from '../support/services.js';

const kb = await knowledge();
const l10n = await localizer();
const HAN = /\p{Script=Han}/u;
const titles = (a: Partial<Activity> | undefined): string[] => (a?.suggestedActions?.actions ?? []).map((x) => String(x.title));
/** Names (titles, places) inside a sentence or on a button are shown without their closing shad. */
const asName = (s: string): string => s.replace(/[\u0F0D-\u0F12\s]+$/u, '');
const tibetanOf = (name: string): string => asName(kb.offices.find((o) => o.name === name)!.tibetan[0]!.script);

describe('the rest of the conversation in Tibetan', () => {
  it('help offers the categories as Tibetan buttons that send their Tibetan query', async () => {
    const { send } = await assistantClient('directline');
    await send('བོད་ཡིག');
    const [help] = await send('རོགས་རམ');
    expect(keyOf(help!)).toBe('help');
    expect(titles(help)).toEqual(kb.categories.map((c) => c.bo!.label.text));
    expect(help!.suggestedActions!.actions.map((a) => a.value)).toEqual(kb.categories.map((c) => c.bo!.query!.text));
  });

  it.each(kb.categories.map((c) => [c.id, c] as const))(
    'category %s: its Tibetan button offers exactly its matters (or starts its only one), in Tibetan',
    async (_id, c) => {
      const { send } = await assistantClient('directline');
      const replies = await send(c.bo!.query!.text);
      const group = kb.matters.filter((m) => m.group === c.id);
      if (group.length === 1) {
        expect(replies.map(keyOf)).toContain('matterStart');
      } else {
        const pick = replies.find((r) => keyOf(r) === 'categoryPick');
        expect(pick, JSON.stringify(replies.map(keyOf))).toBeDefined();
        expect(titles(pick).slice(0, -1)).toEqual(group.map((m) => asName(m.bo!.title.text)));
      }
      const shown = replies.flatMap((r) => [r.text ?? '', ...titles(r)]).join('\n');
      expect(shown).not.toMatch(HAN);
    },
  );

  it('a choice between matters shows Tibetan titles and takes a Tibetan title', async () => {
    const { send } = await assistantClient('directline');
    const category = kb.categories.find((c) => c.id === 'maternity')!;
    const [ambiguous] = await send(category.bo!.query!.text);
    expect(keyOf(ambiguous!)).toBe('categoryPick');
    const offered = titles(ambiguous).slice(0, -1);
    const matters = offered.map((t) => kb.matters.find((m) => asName(m.bo!.title.text) === t));
    expect(matters.every(Boolean)).toBe(true);
    const replies = await send(offered[1]!);
    expect(replies[0]!.text).toBe(l10n.t('bo', 'matterStart', { title: offered[1] }));
  });

  it('an out-of-scope Tibetan question lists the Tibetan categories and names the region office in Tibetan', async () => {
    const { send } = await assistantClient('wechat');
    // When does the train leave: nothing near any matter (a `none` with close matters is offered them instead).
    const replies = await send('མེ་འཁོར་ག་དུས་འགྲོ་གི་རེད།');
    expect(replies.map(keyOf)).toEqual(['notFound', 'notFoundPhone']);
    for (const c of kb.categories) expect(replies[0]!.text).toContain(c.bo!.label.text);
    const region = kb.offices.find((o) => o.level === 'region')!;
    expect(replies[1]!.text).toContain(asName(region.tibetan[0]!.script));
    expect(replies.map((r) => r.text).join('\n')).not.toMatch(HAN);
  });

  it('a prefecture named in Tibetan offers its counties by their Tibetan names, and one is picked by its Tibetan name', async () => {
    const { send } = await assistantClient('wechat');
    expect((await send('བོད་ཡིག')).map(keyOf)).toEqual(['switchedLanguage']);
    expect((await send('མི་ངོ་མ')).map(keyOf)).toEqual(['humanNeedsPlace', 'askCounty']);
    const [which] = await send(tibetanOf('日喀则市'));
    expect(keyOf(which!)).toBe('whichCounty');
    expect(which!.text).not.toMatch(HAN);
    expect(which!.text).toContain(tibetanOf('江孜县'));
    const [human] = await send(tibetanOf('江孜县'));
    const office = kb.offices.find((o) => o.name === '江孜县')!;
    expect(human!.text).toBe(l10n.t('bo', 'human', { name: tibetanOf('江孜县'), phones: office.phones.join(l10n.t('bo', 'phoneSeparator')) }));
  });

  it('remembers the choice of Tibetan in user state: a Chinese question then gets Tibetan replies, until 中文', async () => {
    const { send } = await assistantClient('wechat');
    await send('བོད་ཡིག');
    const m = kb.matter(19)!;
    const [start] = await send('住院费用怎么报销');
    expect(start!.text).toBe(l10n.t('bo', 'matterStart', { title: asName(m.bo!.title.text) }));
    const [back] = await send('中文');
    expect(back!.text).toBe(l10n.t('zh-CN', 'switchedLanguage'));
  });

  it('switching language after a conversation has started offers the categories again, in the new language', async () => {
    const { send } = await assistantClient('directline');
    await send({ type: 'conversationUpdate', membersAdded: [{ id: 'user', name: 'user' }], locale: 'zh-CN' });
    await send('你好');
    const switched = await send('བོད་ཡིག');
    expect(switched.map(keyOf)).toEqual(['switchedLanguage']);
    expect(titles(switched[0])).toEqual(kb.categories.map((c) => c.bo!.label.text));
    const back = await send('中文');
    expect(titles(back[0])).toEqual(kb.categories.map((c) => c.label));
  });

  it('takes Tibetan from the client locale before anything is typed (Web Chat, kiosk): welcome, buttons and replies', async () => {
    const { send } = await assistantClient('directline');
    const welcome = await send({ type: 'conversationUpdate', membersAdded: [{ id: 'user', name: 'user' }], locale: 'bo' });
    expect(welcome.map(keyOf)).toEqual(['welcome', 'welcomeCategories']);
    expect(welcome[0]!.text).toBe(l10n.t('bo', 'welcome'));
    expect(titles(welcome[1])).toEqual(kb.categories.map((c) => c.bo!.label.text));
    const replies = await send({ type: 'message', text: '住院费用怎么报销', locale: 'bo-CN' });
    expect(replies[0]!.text).toBe(l10n.t('bo', 'matterStart', { title: asName(kb.matter(19)!.bo!.title.text) }));
  });
});
