import type { KnowledgeBase } from '../knowledge/knowledgeBase.js';
import type { Matter, Office, Question } from '../knowledge/schema.js';
import type { OfficeResolver } from '../understanding/officeResolver.js';
import { dependsOn, holds, type Answers } from './conditions.js';

export interface ChecklistLine {
  text: string;
  /** 原件 / 复印件 / 加盖鲜章 … */
  form?: string;
  source: string;
  /** only 事项清单 says this (the guide is silent) */
  fromList: boolean;
}

export interface Checklist {
  no: number;
  title: string;
  materials: ChecklistLine[];
  timeLimit: string;
  process: string[];
  channelsNow: string[];
  channelsLater: string[];
  unit: string;
  otherUnits: string[];
  notes: ChecklistLine[];
  related: { no: number; title: string; reason: string }[];
  /** whom to call; undefined only when the county is needed and unknown */
  office: Office | undefined;
  /** which level the office is at, so the answer can say why that office */
  officeLevel: Office['level'] | undefined;
  answers: Answers;
}

/**
 * The 办事指南 made personal: a matter's base materials plus those the answers
 * add, the time limit that applies, the notes that apply, and the right office.
 * Pure: the same matter and answers always give the same checklist.
 */
export class ChecklistBuilder {
  constructor(
    private readonly knowledge: KnowledgeBase,
    private readonly offices: OfficeResolver,
  ) {}

  /** The next question worth asking: its own condition holds, and some part of the answer depends on it. */
  nextQuestion(matter: Matter, answers: Answers): Question | undefined {
    const delegation = this.knowledge.general.delegation;
    const conditions = [
      ...matter.materials.map((x) => x.when),
      ...matter.notes.map((x) => x.when),
      ...matter.timeLimit.variants.map((x) => x.when),
      ...matter.related.map((x) => x.when),
      ...matter.questions.map((x) => x.when),
      ...(matter.personal ? delegation.materials.map((x) => x.when) : []),
    ];
    for (const q of this.knowledge.questionsFor(matter)) {
      if (answers[q.id] !== undefined || !holds(q.when, answers)) continue;
      if (conditions.some((c) => dependsOn(c, q.id, answers))) return q;
    }
    return undefined;
  }

  /**
   * Answers the person already gave in their own words ("我是灵活就业人员…"):
   * a question counts as answered when exactly one of its options is named.
   */
  answersIn(matter: Matter, text: string, normalize: (s: string) => string): Answers {
    const said = normalize(text);
    const answers: Record<string, string[]> = {};
    if (said === '') return answers;
    for (const q of this.knowledge.questionsFor(matter)) {
      const named = q.options.filter((o) =>
        o.id !== 'none' && [o.label, ...o.synonyms].map(normalize).some((w) => [...w].length >= 2 && said.includes(w)),
      );
      // Several-answer questions are still asked: naming one case does not rule out the others.
      if (named.length === 1 && !q.multi) answers[q.id] = named.map((o) => o.id);
    }
    return answers;
  }

  /** Where the person must be placed before the answer can name an office. */
  placeNeeded(matter: Matter): 'household' | 'county' | 'prefecture' | undefined {
    const levels = matter.unit.levels;
    if (matter.unit.householdRegistration) return 'household';
    if (levels.includes('county')) return 'county';
    if (levels.includes('prefecture')) return 'prefecture';
    return undefined;
  }

  build(matter: Matter, answers: Answers, place: Office | undefined): Checklist {
    const materials: ChecklistLine[] = [
      ...matter.materials,
      ...(matter.personal ? this.knowledge.general.delegation.materials : []),
    ]
      .filter((x) => holds(x.when, answers))
      .map((x) => ({ text: x.name, form: x.form, source: x.source, fromList: x.source.startsWith('list') }));

    const variant = matter.timeLimit.variants.find((v) => holds(v.when, answers));
    const notes: ChecklistLine[] = matter.notes
      .filter((n) => holds(n.when, answers))
      .map((n) => ({ text: n.text, source: n.source, fromList: n.source.startsWith('list') }));
    // The list's closing remarks apply wherever their subject appears in this answer.
    const haystack = [...materials.map((m) => m.text), matter.process.text].join('|');
    for (const g of this.knowledge.general.notes) {
      if (g.appliesWhen.some((w) => haystack.includes(w)) && !notes.some((n) => n.text === g.text)) {
        notes.push({ text: g.text, source: g.source, fromList: g.source.startsWith('list') });
      }
    }

    const related = matter.related
      .filter((r) => holds(r.when, answers))
      .map((r) => ({ no: r.no, title: this.knowledge.matter(r.no)?.title ?? '', reason: r.reason }));

    const needed = this.placeNeeded(matter);
    const office = needed === undefined || place ? this.offices.forLevels(place, matter.unit.levels) : undefined;

    return {
      no: matter.no,
      title: matter.title,
      materials,
      timeLimit: variant ? variant.text : matter.timeLimit.text,
      process: matter.process.steps,
      channelsNow: matter.channels.now,
      channelsLater: matter.channels.later,
      unit: matter.unit.text,
      otherUnits: matter.unit.others,
      notes,
      related,
      office,
      officeLevel: office?.level,
      answers,
    };
  }
}
