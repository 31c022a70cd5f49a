import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { assistantClient } from '../support/assistantHarness.js';
import { keyOf, mainDialogClient, turn } from '../support/botHarness.js';
import { knowledge } from '../support/services.js';

/**
 * Issue 12 §2: questions about someone else. A newborn's enrolment is done by a
 * parent and a deceased person's account is claimed by the family, so the bot
 * never asks "本人办理还是委托他人代办" there, lists no 授权委托书, and says who
 * applies; the documents are the sources' own (nothing invented).
 */
const kb = await knowledge();
const HAN = /\p{Script=Han}/u;

/**
 * A conversation on the real MainDialog (DialogTestClient); Tibetan ones on the whole bot,
 * whose language detection switches the replies when a message holds Tibetan script.
 */
async function conversation(lang: 'zh' | 'bo'): Promise<(text: string) => Promise<Partial<Activity>[]>> {
  if (lang === 'bo') return (await assistantClient('wechat')).send;
  const { client } = await mainDialogClient('wechat');
  return (text) => turn(client, text);
}
const delegationQuestion = kb.general.delegation.question.id;

interface ChecklistData {
  no: number;
  lang: string;
  materials: { text: string }[];
  notes: { text: string; judgement: boolean }[];
}
const checklistOf = (replies: Partial<Activity>[]): ChecklistData | undefined =>
  (replies.find((r) => keyOf(r) === 'checklist')?.channelData as { checklist?: ChecklistData } | undefined)?.checklist;
const questionOf = (replies: Partial<Activity>[]): string | undefined =>
  (replies.find((r) => keyOf(r) === 'question')?.channelData as { question?: string } | undefined)?.question;

const bo = <T extends { bo?: Record<string, unknown> }>(x: T, field: string): string => (x.bo![field] as { text: string }).text;
const option = (no: number, q: string, o: string) =>
  kb
    .matter(no)!
    .questions.find((x) => x.id === q)!
    .options.find((x) => x.id === o)!;
/** the editors' note on who applies (a matter may hold the sources' own notes on the same answer) */
const note = (no: number, q: string, o: string) => kb.matter(no)!.notes.find((n) => n.when?.[q]?.includes(o) && n.judgement !== undefined)!;
const materialOf = (no: number, id: string) => kb.matter(no)!.materials.find((m) => m.id === id)!;

interface Case {
  lang: 'zh' | 'bo';
  /** the first message; a Tibetan one switches the replies to Tibetan */
  opening: string;
  /** reply per question id; anything not listed must not be asked */
  answers: Record<string, string>;
  /** exactly the questions asked, in order */
  asked: string[];
  place: string;
  no: number;
  /** texts that must be among the materials / notes */
  materials: string[];
  notes: string[];
}

const newbornNote = note(3, 'insured', 'newborn');
const deathNote = note(9, 'reason', 'death');
const cases: [string, Case][] = [
  [
    'a parent enrolling a newborn, said in the opening message',
    {
      lang: 'zh',
      opening: '我家宝宝刚出生，怎么给他办医保',
      answers: { specialGroup: '不属于特殊人群' },
      asked: ['specialGroup'],
      place: '城关区',
      no: 3,
      materials: [materialOf(3, 'idDoc').name, materialOf(3, 'form').name],
      notes: [newbornNote.text, kb.general.validId.text],
    },
  ],
  [
    'a parent enrolling a newborn, answered when asked',
    {
      lang: 'zh',
      opening: '城乡居民参保登记',
      answers: { insured: option(3, 'insured', 'newborn').label, specialGroup: '低保' },
      asked: ['insured', 'specialGroup'],
      place: '江孜',
      no: 3,
      materials: [materialOf(3, 'specialProof').name],
      notes: [newbornNote.text],
    },
  ],
  [
    'a parent enrolling a newborn, in Tibetan',
    {
      lang: 'bo',
      opening: bo(kb.matter(3)!, 'title'),
      answers: { insured: bo(option(3, 'insured', 'newborn'), 'label'), specialGroup: bo(option(3, 'specialGroup', 'none'), 'label') },
      asked: ['insured', 'specialGroup'],
      place: 'རྒྱལ་རྩེ',
      no: 3,
      materials: [bo(materialOf(3, 'idDoc'), 'name')],
      notes: [bo(newbornNote, 'text'), bo(kb.general.validId, 'text')],
    },
  ],
  [
    "the family claiming a deceased parent's personal account",
    {
      lang: 'zh',
      opening: '我老伴去世了，她医保个人账户里的钱家属怎么取',
      answers: {},
      asked: [],
      place: '城关区',
      no: 9,
      materials: [materialOf(9, 'deathCertificate').name, materialOf(9, 'employerInfo').name],
      notes: [deathNote.text],
    },
  ],
  [
    'the family claiming, the reason answered when asked',
    {
      lang: 'zh',
      opening: '个人账户一次性支取',
      answers: { reason: option(9, 'reason', 'death').label },
      asked: ['reason'],
      place: '乃东',
      no: 9,
      materials: [materialOf(9, 'deathCertificate').name],
      notes: [deathNote.text],
    },
  ],
  [
    'the family claiming, in Tibetan',
    {
      lang: 'bo',
      opening: bo(kb.matter(9)!, 'title'),
      answers: { reason: bo(option(9, 'reason', 'death'), 'label') },
      asked: ['reason'],
      place: 'རྒྱལ་རྩེ',
      no: 9,
      materials: [bo(materialOf(9, 'deathCertificate'), 'name')],
      notes: [bo(deathNote, 'text')],
    },
  ],
];

describe('questions about someone else (issue 12 §2)', () => {
  it.each(cases)('%s', async (_title, c) => {
    const send = await conversation(c.lang);
    const asked: string[] = [];
    let replies = await send(c.opening);
    for (let i = 0; i < 10; i++) {
      const checklist = checklistOf(replies);
      if (checklist) {
        expect(asked).toEqual(c.asked);
        expect(asked).not.toContain(delegationQuestion);
        expect(checklist.no).toBe(c.no);
        expect(checklist.lang).toBe(c.lang === 'bo' ? 'bo' : 'zh-CN');
        const materials = checklist.materials.map((m) => m.text);
        expect(materials).toEqual(expect.arrayContaining(c.materials));
        // No 授权委托书 or 委托人/代理人 IDs: the one applying does so by right.
        for (const d of kb.general.delegation.materials) {
          expect(materials).not.toContain(d.name);
          if (d.bo) expect(materials).not.toContain(d.bo.name.text);
        }
        const notes = checklist.notes.map((n) => n.text);
        expect(notes).toEqual(expect.arrayContaining(c.notes));
        // Who applies is the editors' reading, and the answer says so.
        expect(checklist.notes.find((n) => n.text === c.notes[0])?.judgement).toBe(true);
        if (c.lang === 'bo') for (const r of replies) expect(r.text ?? '', 'Chinese in a Tibetan reply').not.toMatch(HAN);
        return;
      }
      const q = questionOf(replies);
      const keys = replies.map(keyOf);
      let reply: string | undefined;
      if (q) {
        asked.push(q);
        reply = c.answers[q];
      } else if (keys.some((k) => k === 'askCounty' || k === 'askHousehold' || k === 'confirmPlace')) {
        reply = keys.includes('confirmPlace') ? '是' : c.place;
      }
      expect(reply, `no scripted reply to ${JSON.stringify(keys)} ${q ?? ''}`).toBeDefined();
      replies = await send(reply!);
    }
    throw new Error('no checklist after 10 turns');
  });

  it('still asks 本人办理还是委托 when the insured person can apply (an adult joining, a living person withdrawing)', async () => {
    for (const [opening, answers] of [
      ['城乡居民参保登记', { insured: '不是', specialGroup: '不属于特殊人群' }],
      ['个人账户一次性支取', { reason: option(9, 'reason', 'transfer').label }],
    ] as const) {
      const send = await conversation('zh');
      let replies = await send(opening);
      const asked: string[] = [];
      for (let i = 0; i < 4 && questionOf(replies); i++) {
        const q = questionOf(replies)!;
        asked.push(q);
        if (q === delegationQuestion) break;
        replies = await send((answers as Record<string, string>)[q]!);
      }
      expect(asked.at(-1), opening).toBe(delegationQuestion);
    }
  });
});
