import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { KnowledgeError } from '../errors/knowledgeError.js';
import {
  Categories,
  General,
  Glossary,
  Lexicon,
  Matter,
  Office,
  type Condition,
  type Question,
} from './schema.js';

export type Category = z.infer<typeof Categories>['categories'][number];
export type GeneralKnowledge = z.infer<typeof General>;

const OfficesFile = z.object({ offices: z.array(Office).min(1) });

/**
 * Everything under knowledge/, parsed and cross-checked. Built once at start-up;
 * a broken edit stops the service with the file, item and field in the message.
 */
export class KnowledgeBase {
  private readonly byNo: ReadonlyMap<number, Matter>;

  private constructor(
    readonly dir: string,
    readonly matters: readonly Matter[],
    readonly offices: readonly Office[],
    readonly lexicon: Lexicon,
    readonly categories: readonly Category[],
    readonly general: GeneralKnowledge,
    readonly glossary: Glossary,
  ) {
    this.byNo = new Map(matters.map((m) => [m.no, m]));
  }

  matter(no: number): Matter | undefined {
    return this.byNo.get(no);
  }

  /**
   * The same knowledge with extra example phrases per matter (the ones editors taught from the
   * review queue, stored under DATA_DIR); phrases a matter already has are not repeated.
   */
  withExamples(extra: ReadonlyMap<number, readonly string[]>): KnowledgeBase {
    const matters = this.matters.map((m) => {
      const more = (extra.get(m.no) ?? []).filter((e) => !m.examples.includes(e));
      return more.length === 0 ? m : { ...m, examples: [...m.examples, ...new Set(more)] };
    });
    return new KnowledgeBase(this.dir, matters, this.offices, this.lexicon, this.categories, this.general, this.glossary);
  }

  /** The questions the dialog may ask for a matter, the shared 委托办理 one last. */
  questionsFor(matter: Matter): readonly Question[] {
    return matter.personal ? [...matter.questions, this.general.delegation.question] : matter.questions;
  }

  static async load(dir: string): Promise<KnowledgeBase> {
    const mattersDir = path.join(dir, 'matters');
    let files: string[];
    try {
      files = (await fs.readdir(mattersDir)).filter((f) => f.endsWith('.json')).sort();
    } catch (cause) {
      throw new KnowledgeError(`cannot read the matters folder (${(cause as Error).message})`, { file: mattersDir });
    }
    if (files.length === 0) throw new KnowledgeError('no matter files', { file: mattersDir });

    const matters: Matter[] = [];
    for (const f of files) {
      const file = path.join('matters', f);
      const raw = await readJson(dir, file);
      const parsed = parseWith(Matter, raw, file, (raw as { no?: unknown })?.no as number | undefined);
      const expected = Number.parseInt(f, 10);
      if (parsed.no !== expected) {
        throw new KnowledgeError(`file name says matter ${expected} but "no" is ${parsed.no}`, { file, item: parsed.no, field: 'no' });
      }
      matters.push(parsed);
    }
    matters.sort((a, b) => a.no - b.no);

    const offices = parseWith(OfficesFile, await readJson(dir, 'offices.json'), 'offices.json').offices;
    const lexicon = parseWith(Lexicon, await readJson(dir, 'lexicon.json'), 'lexicon.json');
    const categories = parseWith(Categories, await readJson(dir, 'categories.json'), 'categories.json').categories;
    const general = parseWith(General, await readJson(dir, 'general.json'), 'general.json');
    const glossary = parseWith(Glossary, await readJson(dir, 'glossary.json'), 'glossary.json');

    const kb = new KnowledgeBase(dir, matters, offices, lexicon, categories, general, glossary);
    kb.crossCheck();
    return kb;
  }

  /** Checks no schema can: references between items, and questions that change nothing. */
  private crossCheck(): void {
    const seen = new Set<number>();
    for (const m of this.matters) {
      const file = path.join('matters', `${String(m.no).padStart(2, '0')}.json`);
      if (seen.has(m.no)) throw new KnowledgeError('duplicate matter number', { file, item: m.no, field: 'no' });
      seen.add(m.no);
      if (!this.categories.some((c) => c.id === m.group)) {
        throw new KnowledgeError(`unknown group "${m.group}" (see categories.json)`, { file, item: m.no, field: 'group' });
      }
      const questions = this.questionsFor(m);
      const ids = new Set<string>();
      for (const q of m.questions) {
        if (ids.has(q.id) || q.id === this.general.delegation.question.id) {
          throw new KnowledgeError(`duplicate question id "${q.id}"`, { file, item: m.no, field: `questions.${q.id}` });
        }
        ids.add(q.id);
      }
      const used = new Set<string>();
      const check = (cond: Condition | undefined, field: string): void => {
        if (!cond) return;
        for (const [qid, optionIds] of Object.entries(cond)) {
          const q = questions.find((x) => x.id === qid);
          if (!q) throw new KnowledgeError(`condition refers to unknown question "${qid}"`, { file, item: m.no, field });
          for (const o of optionIds) {
            if (!q.options.some((x) => x.id === o)) {
              throw new KnowledgeError(`condition refers to unknown option "${qid}=${o}"`, { file, item: m.no, field });
            }
          }
          used.add(qid);
        }
      };
      m.questions.forEach((q) => check(q.when, `questions.${q.id}.when`));
      m.materials.forEach((x) => check(x.when, `materials.${x.id}.when`));
      m.notes.forEach((x, i) => check(x.when, `notes.${i}.when`));
      m.timeLimit.variants.forEach((x, i) => check(x.when, `timeLimit.variants.${i}.when`));
      m.related.forEach((x, i) => check(x.when, `related.${i}.when`));
      for (const q of m.questions) {
        if (!m.personal && q.options.some((o) => o.onBehalf)) {
          throw new KnowledgeError('onBehalf only means something in a personal matter (one with the 委托办理 question)', { file, item: m.no, field: `questions.${q.id}` });
        }
        if (!used.has(q.id)) {
          throw new KnowledgeError(`question "${q.id}" changes nothing in the answer; remove it or attach it to a material, note, time limit or related matter`, {
            file,
            item: m.no,
            field: `questions.${q.id}`,
          });
        }
      }
      const materialIds = new Set<string>();
      for (const x of m.materials) {
        if (materialIds.has(x.id)) throw new KnowledgeError(`duplicate material id "${x.id}"`, { file, item: m.no, field: `materials.${x.id}` });
        materialIds.add(x.id);
      }
      for (const r of m.related) {
        if (!this.byNo.has(r.no) || r.no === m.no) {
          throw new KnowledgeError(`related matter ${r.no} does not exist`, { file, item: m.no, field: 'related' });
        }
      }
    }

    this.general.notes.forEach((n) => {
      const field = `notes.${n.id}`;
      for (const no of n.matters ?? []) {
        if (!this.byNo.has(no)) throw new KnowledgeError(`matter ${no} does not exist`, { file: 'general.json', item: n.id, field: `${field}.matters` });
      }
      n.except.forEach((x, j) => {
        const m = this.byNo.get(x.matter);
        if (!m) throw new KnowledgeError(`matter ${x.matter} does not exist`, { file: 'general.json', item: n.id, field: `${field}.except.${j}` });
        for (const [qid, optionIds] of Object.entries(x.when)) {
          const q = this.questionsFor(m).find((y) => y.id === qid);
          if (!q || optionIds.some((o) => !q.options.some((y) => y.id === o))) {
            throw new KnowledgeError(`condition refers to an unknown question or option of matter ${m.no} ("${qid}")`, { file: 'general.json', item: n.id, field: `${field}.except.${j}.when` });
          }
        }
      });
    });

    const names = new Set<string>();
    for (const o of this.offices) {
      if (names.has(o.name)) throw new KnowledgeError('duplicate office name', { file: 'offices.json', item: o.name, field: 'name' });
      names.add(o.name);
    }
    const regions = this.offices.filter((o) => o.level === 'region');
    if (regions.length !== 1) {
      throw new KnowledgeError(`expected exactly one region office, found ${regions.length}`, { file: 'offices.json', field: 'level' });
    }
    const prefectures = new Set(this.offices.filter((o) => o.level === 'prefecture').map((o) => o.division));
    for (const o of this.offices) {
      if (o.level === 'region') continue;
      if (!o.prefecture || !prefectures.has(o.prefecture)) {
        throw new KnowledgeError(`prefecture "${o.prefecture}" is not a prefecture office`, { file: 'offices.json', item: o.name, field: 'prefecture' });
      }
    }
  }
}

async function readJson(dir: string, file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, file), 'utf8');
  } catch (cause) {
    throw new KnowledgeError(`cannot read (${(cause as Error).message})`, { file });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new KnowledgeError(`not valid JSON (${(cause as Error).message})`, { file });
  }
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown, file: string, item?: string | number): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  // Name the matter or office inside a list file, not just the array index.
  let named = item;
  if (named === undefined && issue.path[0] === 'offices' && typeof issue.path[1] === 'number') {
    const office = (raw as { offices?: { name?: string }[] }).offices?.[issue.path[1]];
    named = office?.name ?? `#${issue.path[1]}`;
  }
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
  throw new KnowledgeError(`${issue.message}${more}`, { file, item: named, field: field || undefined });
}
