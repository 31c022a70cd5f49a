import fs from 'node:fs/promises';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { holds, type Answers } from '../../bot/answers/conditions.js';
import type { KnowledgeBase } from '../../bot/knowledge/knowledgeBase.js';
import type { Matter, Office } from '../../bot/knowledge/schema.js';
import { assistantClient } from '../support/assistantHarness.js';
import { keyOf, localizer } from '../support/botHarness.js';
import { knowledge } from '../support/services.js';

interface ChecklistData {
  lang: string;
  no: number;
  title: string;
  materials: { text: string; form?: string }[];
  notes: { text: string }[];
  timeLimit: string;
  process: string[];
  channelsNow: string[];
  unit: string;
  related: { no: number; title: string; reason: string }[];
  office: string | null;
  officeName?: string;
  officePhones: string[];
  answers: Answers;
  untranslated: string[];
  draft: boolean;
}

const HAN = /\p{Script=Han}/gu;
const foldTibetan = (n: string): string => n.replace(/\d/g, (d) => String.fromCharCode(0x0f20 + Number(d)));
const allowList = JSON.parse(await fs.readFile(path.join(import.meta.dirname, 'hanAllowList.json'), 'utf8')) as { entries: { text: string; reason: string }[] };

/** Everything a person sees of a reply: its text, its buttons and its card. */
function visible(a: Partial<Activity>): string {
  const actions = (a.suggestedActions?.actions ?? []).map((x) => x.title ?? '');
  return [a.text ?? '', ...actions, ...(a.attachments ?? []).map((x) => JSON.stringify(x.content))].join('\n');
}

function hanIn(replies: Partial<Activity>[]): string[] {
  const seen = replies.map(visible).join('\n');
  const stripped = allowList.entries.reduce((s, e) => s.split(e.text).join(''), seen);
  return stripped.match(HAN) ?? [];
}

const checklistOf = (replies: Partial<Activity>[]): ChecklistData | undefined =>
  (replies.find((r) => keyOf(r) === 'checklist')?.channelData as { checklist?: ChecklistData } | undefined)?.checklist;
const questionOf = (replies: Partial<Activity>[]): string | undefined =>
  (replies.find((r) => keyOf(r) === 'question' || keyOf(r) === 'multiChoice')?.channelData as { question?: string } | undefined)?.question;

/** The county a conversation says it is in: a different one per matter, each with a verified Tibetan name. */
function countyFor(kb: KnowledgeBase, m: Matter): Office {
  const counties = kb.offices.filter((o) => o.level === 'county' && !o.special && o.tibetan.some((t) => t.status === 'verified'));
  return counties[(m.no * 7) % counties.length]!;
}

/** The office the checklist must name for someone in `county`, from the matter's levels. */
function expectedOffice(kb: KnowledgeBase, m: Matter, county: Office): Office {
  if (m.unit.levels.includes('county')) return county;
  if (m.unit.levels.includes('prefecture')) return kb.offices.find((o) => o.level === 'prefecture' && o.division === county.prefecture)!;
  return kb.offices.find((o) => o.level === 'region')!;
}

const tibetanName = (o: Office): string => (o.tibetan.find((t) => t.status === 'verified') ?? o.tibetan[0])!.script;
/** Names (titles, places) inside a sentence or on a button are shown without their closing shad. */
const asName = (s: string): string => s.replace(/[\u0F0D-\u0F12\s]+$/u, '');

/**
 * A whole conversation in Tibetan: opens with the matter's Tibetan title, answers
 * every question with a Tibetan label or the option's number (alternately, in
 * Tibetan and in ASCII digits),
 * names a county in Tibetan, and returns the checklist and every reply seen.
 */
async function converse(kb: KnowledgeBase, m: Matter, channelId: string) {
  const l10n = await localizer();
  const { send } = await assistantClient(channelId);
  const county = countyFor(kb, m);
  const chosen: Record<string, string[]> = {};
  const seen: Partial<Activity>[] = [];
  let replies = await send(m.bo!.title.text);
  for (let turn = 0; turn < 16; turn++) {
    seen.push(...replies);
    const keys = replies.map(keyOf);
    const checklist = checklistOf(replies);
    if (checklist) return { checklist, chosen, seen, county };
    const q = questionOf(replies);
    let reply: string;
    if (keys.includes('ambiguous')) reply = m.bo!.title.text;
    else if (q) {
      // Asked twice would mean the previous answer was not understood.
      expect(Object.keys(chosen), `matter ${m.no}: ${q} asked again`).not.toContain(q);
      const question = kb.questionsFor(m).find((x) => x.id === q)!;
      const options = question.multi ? question.options.filter((o) => o.id !== 'none') : question.options;
      const i = (m.no + turn) % options.length;
      chosen[q] = [options[i]!.id];
      // Alternately the Tibetan label, the number in Tibetan digits (༢) and in ASCII digits.
      const number = String(i + 1);
      reply = [options[i]!.bo!.label.text, foldTibetan(number), number][turn % 3]!;
    } else if (keys.includes('askCounty') || keys.includes('askHousehold') || keys.includes('askPrefecture')) reply = tibetanName(county);
    else if (keys.includes('confirmPlace')) reply = l10n.t('bo', 'yes');
    else if (keys.includes('whichPlace') || keys.includes('whichCounty')) {
      const lines = (replies.find((r) => keyOf(r) === 'whichPlace' || keyOf(r) === 'whichCounty')!.text ?? '').split('\n');
      const line = lines.find((l) => l.includes(asName(tibetanName(county))));
      expect(line, `${tibetanName(county)} offered`).toBeDefined();
      reply = /(\d+)\./.exec(line!)![1]!;
    } else throw new Error(`matter ${m.no}: no scripted reply to ${JSON.stringify(keys)}`);
    replies = await send(reply);
  }
  throw new Error(`matter ${m.no}: no checklist after 16 turns`);
}

const kb = await knowledge();
const matters = kb.matters.map((m) => [m.no, m.title, m] as const);

describe('a complete conversation in Tibetan, for every matter (text channel)', () => {
  it.each(matters)('matter %i %s', async (_no, _title, m) => {
    const { checklist: c, chosen, seen, county } = await converse(kb, m, 'wechat');
    const bo = <T extends { text: string }>(x: T | undefined): string => x!.text;

    expect(seen.map(keyOf)).toContain('matterStart');
    expect(c.lang).toBe('bo');
    expect(c.no).toBe(m.no);
    expect(c.untranslated).toEqual([]);
    // Every answer given in Tibetan or by number was understood as the option meant.
    for (const [q, ids] of Object.entries(chosen)) expect(c.answers[q], q).toEqual(ids);

    const materials = [...m.materials, ...(m.personal ? kb.general.delegation.materials : [])].filter((x) => holds(x.when, c.answers));
    expect(c.title).toBe(asName(bo(m.bo?.title)));
    expect(c.materials.map((x) => x.text)).toEqual(materials.map((x) => bo(x.bo?.name)));
    const variant = m.timeLimit.variants.find((v) => holds(v.when, c.answers));
    expect(c.timeLimit).toBe(bo(variant ? variant.bo?.text : m.timeLimit.bo?.text));
    expect(c.process).toEqual(m.process.bo!.steps.map((s) => s.text));
    expect(c.channelsNow).toEqual(m.channels.bo!.now.map((s) => s.text));
    expect(c.unit).toBe(bo(m.unit.bo?.text));
    const notes = m.notes.filter((n) => holds(n.when, c.answers)).map((n) => bo(n.bo?.text));
    expect(c.notes.map((n) => n.text)).toEqual(expect.arrayContaining(notes));
    for (const r of c.related) {
      const rel = m.related.find((x) => x.no === r.no)!;
      expect(r.title).toBe(asName(bo(kb.matter(r.no)!.bo?.title)));
      expect(r.reason).toBe(bo(rel.bo?.reason));
    }
    const office = expectedOffice(kb, m, county);
    expect(c.office).toBe(office.name);
    expect(c.officeName).toBe(asName(tibetanName(office)));
    expect(c.officePhones).toEqual(office.phones);

    expect(hanIn(seen), `Han characters in the Tibetan replies of matter ${m.no}`).toEqual([]);
  });
});

describe('Tibetan on a card channel', () => {
  it.each(matters.filter(([no]) => no % 6 === 1))('matter %i %s: buttons and the Adaptive Card are Tibetan', async (_no, _title, m) => {
    const { seen } = await converse(kb, m, 'directline');
    const card = seen.find((r) => keyOf(r) === 'checklist')!;
    // The kiosk prints plainText and reads the language beside it.
    const data = card.channelData as { lang: string; plainText: string };
    expect(data.lang).toBe('bo');
    expect(data.plainText).toContain(asName(m.bo!.title.text));
    expect(hanIn([{ text: data.plainText }])).toEqual([]);
    expect(card.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect((card.attachments![0]!.content as { lang: string }).lang).toBe('bo');
    expect(hanIn(seen)).toEqual([]);
  });
});
