import type { Lang } from '../i18n/localizer.js';
import type { KnowledgeBase } from '../knowledge/knowledgeBase.js';
import type { Condition, Matter, Office, Question } from '../knowledge/schema.js';
import type { Checklist, ChecklistBuilder } from './checklistBuilder.js';
import type { ChecklistRenderer } from './checklistRenderer.js';
import type { Answers } from './conditions.js';
import { asName, localize } from './knowledgeText.js';
import type { QrText, QrTextMaker } from './qrText.js';

/** A checklist as clients read it (the chat's channelData.checklist, the API's checklist): the office by name. */
export type ChecklistJson = Omit<Checklist, 'office'> & { office: string | null; officePhones: string[] };

export function checklistJson(c: Checklist): ChecklistJson {
  return { ...c, office: c.office?.name ?? null, officePhones: c.office?.phones ?? [] };
}

export interface MatterViewJson {
  no: number;
  code: string | null;
  title: string;
  lang: Lang;
  /** the questions whose answers change the list, each option with its tag */
  questions: { id: string; text: string; multi: boolean; options: { id: string; label: string; tag: string }[] }[];
  /** every material the matter can need (the shared 委托 ones too), with the tags of the answers that add it */
  materials: { id: string; text: string; form: string | null; tags: string[][] }[];
  answers: Answers;
  /** exactly what the chat sends for these answers */
  checklist: ChecklistJson;
  plainText: string;
  qr: QrText;
}

/** A parenthesis of examples comes off a label; one short name in it ("（外购药品）") is the tag itself. */
function shortTag(label: string): string {
  const inner = /[（(]([^）)]*)[）)]\s*$/u.exec(label)?.[1];
  if (inner && [...inner].length <= 6 && !/[、，,等]/u.test(inner)) return inner;
  const bare = label.replace(/\s*[（(][^）)]*[）)]/gu, '').trim();
  return bare === '' ? label : bare;
}

/**
 * A matter as the agent console shows it, from the same builder and renderer the chat uses, so
 * an agent on the phone reads the citizen the list the chat would give for the same answers.
 */
export class MatterView {
  constructor(
    private readonly knowledge: KnowledgeBase,
    private readonly checklists: ChecklistBuilder,
    private readonly renderer: ChecklistRenderer,
    private readonly qr: QrTextMaker,
  ) {}

  /** The tag of each option of each question this matter asks, in `lang`. */
  tags(matter: Matter, lang: Lang): Map<string, Map<string, string>> {
    return new Map(this.knowledge.questionsFor(matter).map((q) => [q.id, new Map(q.options.map((o) => [o.id, shortTag(localize(o, 'label', lang).text)]))]));
  }

  /** Whether `answers` name only this matter's questions and their options (the API's input check). */
  problemIn(matter: Matter, answers: Answers): string | undefined {
    const questions = new Map<string, Question>(this.knowledge.questionsFor(matter).map((q) => [q.id, q]));
    for (const [id, options] of Object.entries(answers)) {
      const q = questions.get(id);
      if (!q) return `matter ${matter.no} asks no question "${id.slice(0, 40)}" (it asks: ${[...questions.keys()].join(', ') || 'nothing'})`;
      const bad = options.find((o) => !q.options.some((x) => x.id === o));
      if (bad !== undefined) return `question "${id}" has no option "${bad.slice(0, 40)}" (options: ${q.options.map((x) => x.id).join(', ')})`;
      if (!q.multi && options.length > 1) return `question "${id}" takes one answer`;
    }
    return undefined;
  }

  build(matter: Matter, answers: Answers, lang: Lang, office?: Office): MatterViewJson {
    const tags = this.tags(matter, lang);
    const tagsOf = (when: Condition | undefined): string[][] => Object.entries(when ?? {}).map(([q, options]) => options.map((o) => tags.get(q)?.get(o) ?? o));
    const delegation = matter.personal ? this.knowledge.general.delegation.materials : [];
    const checklist = this.checklists.build(matter, answers, office, lang);
    const plainText = this.renderer.toText(checklist);
    return {
      no: matter.no,
      code: matter.code,
      title: asName(localize(matter, 'title', lang)).text,
      lang,
      questions: this.knowledge.questionsFor(matter).map((q) => ({
        id: q.id,
        text: localize(q, 'text', lang).text,
        multi: q.multi,
        options: q.options.map((o) => ({ id: o.id, label: localize(o, 'label', lang).text, tag: tags.get(q.id)?.get(o.id) ?? o.id })),
      })),
      materials: [...matter.materials, ...delegation].map((m) => ({
        id: m.id,
        text: localize(m, 'name', lang).text,
        form: m.form === undefined ? null : localize(m, 'form', lang).text,
        tags: tagsOf(m.when),
      })),
      answers,
      checklist: checklistJson(checklist),
      plainText,
      qr: this.qr.make(checklist, plainText),
    };
  }
}
