import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { KnowledgeError } from '../errors/knowledgeError.js';
import { valueSpans } from './jsonSpans.js';
import { KnowledgeProblems, lineColumn } from './knowledgeProblems.js';
import { OfficeDirectory } from './officeDirectory.js';
import {
  Categories,
  General,
  Glossary,
  Lexicon,
  Matter,
  Office,
  type Condition,
  Tuning,
  type Question,
} from './schema.js';

export type Category = z.infer<typeof Categories>['categories'][number];
export type GeneralKnowledge = z.infer<typeof General>;

const OfficesFile = z.object({ offices: z.array(Office).min(1) });

/**
 * Everything under knowledge/, parsed and cross-checked. Built once at start-up;
 * broken edits stop the service with every problem's file, item and field in the message.
 */
export class KnowledgeBase {
  private readonly byNo: ReadonlyMap<number, Matter>;
  private officeDirectory: OfficeDirectory | undefined;

  private constructor(
    readonly dir: string,
    readonly matters: readonly Matter[],
    readonly offices: readonly Office[],
    readonly lexicon: Lexicon,
    readonly categories: readonly Category[],
    readonly general: GeneralKnowledge,
    readonly glossary: Glossary,
    /** the understanding pipeline's thresholds (tuning.json) */
    readonly tuning: Tuning,
  ) {
    this.byNo = new Map(matters.map((m) => [m.no, m]));
  }

  /** the office hierarchy, built once (load() has checked it) and shared by withExamples() copies */
  get directory(): OfficeDirectory {
    this.officeDirectory ??= new OfficeDirectory(this.offices);
    return this.officeDirectory;
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
    const copy = new KnowledgeBase(this.dir, matters, this.offices, this.lexicon, this.categories, this.general, this.glossary, this.tuning);
    copy.officeDirectory = this.directory;
    return copy;
  }

  /** The questions the dialog may ask for a matter, the shared 委托办理 one last. */
  questionsFor(matter: Matter): readonly Question[] {
    return matter.personal ? [...matter.questions, this.general.delegation.question] : matter.questions;
  }

  static async load(dir: string): Promise<KnowledgeBase> {
    const problems = new KnowledgeProblems();
    const mattersDir = path.join(dir, 'matters');
    let files: string[];
    try {
      files = (await fs.readdir(mattersDir)).filter((f) => f.endsWith('.json')).sort();
    } catch (cause) {
      throw new KnowledgeError(`读不到事项文件夹（${(cause as Error).message}）`, { file: mattersDir });
    }
    if (files.length === 0) throw new KnowledgeError('事项文件夹里没有 .json 文件', { file: mattersDir });
    // every file read at once (one round of the thread pool, not ~40 one after another); parsed and checked in the
    // order below, so the problems are reported in the same order as ever
    const texts = new Map([...files.map((f) => path.join('matters', f)), ...OTHER_FILES].map((file) => [file, readText(dir, file)]));

    const matters: Matter[] = [];
    for (const f of files) {
      const file = path.join('matters', f);
      const raw = await readJson(texts.get(file)!, file, problems);
      if (raw === undefined) continue;
      const parsed = problems.parse(Matter, raw, file, (raw as { no?: unknown })?.no as number | undefined);
      if (!parsed) continue;
      const expected = Number.parseInt(f, 10);
      if (parsed.no !== expected) problems.add(`文件名是事项 ${expected}，但 "no" 是 ${parsed.no}`, { file, item: parsed.no, field: 'no' });
      matters.push(parsed);
    }
    matters.sort((a, b) => a.no - b.no);

    const read = async <T>(schema: z.ZodType<T>, file: (typeof OTHER_FILES)[number]): Promise<T | undefined> => {
      const raw = await readJson(texts.get(file)!, file, problems);
      return raw === undefined ? undefined : problems.parse(schema, raw, file);
    };
    const offices = (await read(OfficesFile, 'offices.json'))?.offices;
    const lexicon = await read(Lexicon, 'lexicon.json');
    const categories = (await read(Categories, 'categories.json'))?.categories;
    const general = await read(General, 'general.json');
    const glossary = await read(Glossary, 'glossary.json');
    const tuning = await read(Tuning, 'tuning.json');
    // The cross-checks need every file; what is wrong so far is reported first.
    if (!offices || !lexicon || !categories || !general || !glossary || !tuning) {
      problems.throwIfAny();
      throw new Error('unreachable: a knowledge file failed without a problem');
    }

    const kb = new KnowledgeBase(dir, matters, offices, lexicon, categories, general, glossary, tuning);
    kb.crossCheck(problems);
    problems.throwIfAny();
    return kb;
  }

  /** Checks no schema can: references between items, and questions that change nothing. */
  private crossCheck(problems: KnowledgeProblems): void {
    const seen = new Set<number>();
    for (const m of this.matters) {
      const file = path.join('matters', `${String(m.no).padStart(2, '0')}.json`);
      const at = (field: string) => ({ file, item: m.no, field });
      if (seen.has(m.no)) problems.add('事项编号重复', at('no'));
      seen.add(m.no);
      if (!this.categories.some((c) => c.id === m.group)) problems.add(`分组 "${m.group}" 不存在（见 categories.json）`, at('group'));
      const questions = this.questionsFor(m);
      const ids = new Set<string>();
      for (const q of m.questions) {
        if (ids.has(q.id) || q.id === this.general.delegation.question.id) problems.add(`问题 id "${q.id}" 重复`, at(`questions.${q.id}`));
        ids.add(q.id);
      }
      const used = new Set<string>();
      const check = (cond: Condition | undefined, field: string): void => {
        if (!cond) return;
        for (const [qid, optionIds] of Object.entries(cond)) {
          const q = questions.find((x) => x.id === qid);
          if (!q) {
            problems.add(`条件引用了不存在的问题 "${qid}"`, at(field));
            continue;
          }
          for (const o of optionIds) {
            if (!q.options.some((x) => x.id === o)) problems.add(`条件引用了不存在的选项 "${qid}=${o}"`, at(field));
          }
          used.add(qid);
        }
      };
      m.questions.forEach((q) => check(q.when, `questions.${q.id}.when`));
      m.materials.forEach((x) => check(x.when, `materials.${x.id}.when`));
      m.notes.forEach((x, i) => check(x.when, `notes.${i}.when`));
      m.timeLimit.variants.forEach((x, i) => check(x.when, `timeLimit.variants.${i}.when`));
      m.related.forEach((x) => check(x.when, `related.${x.no}.when`));
      for (const q of m.questions) {
        if (!m.personal && q.options.some((o) => o.onBehalf)) {
          problems.add('onBehalf（他人代办）只在个人事项（有“委托办理”问题的事项，personal: true）里有意义', at(`questions.${q.id}`));
        }
        if (!used.has(q.id)) {
          problems.add(`问题 "${q.id}" 不改变任何答案：删掉它，或把它用在某个材料、说明、办理时限或关联事项的条件（when）里`, at(`questions.${q.id}`));
        }
      }
      const materialIds = new Set<string>();
      for (const x of m.materials) {
        if (materialIds.has(x.id)) problems.add(`材料 id "${x.id}" 重复`, at(`materials.${x.id}`));
        materialIds.add(x.id);
      }
      for (const r of m.related) {
        if (!this.byNo.has(r.no) || r.no === m.no) problems.add(`关联事项 ${r.no} 不存在`, at('related'));
      }
    }

    for (const n of this.general.notes) {
      const field = `notes.${n.id}`;
      const at = (f: string) => ({ file: 'general.json', item: n.id, field: f });
      for (const no of n.matters ?? []) {
        if (!this.byNo.has(no)) problems.add(`事项 ${no} 不存在`, at(`${field}.matters`));
      }
      for (const x of n.except) {
        const m = this.byNo.get(x.matter);
        if (!m) {
          problems.add(`事项 ${x.matter} 不存在`, at(`${field}.except.${x.matter}`));
          continue;
        }
        for (const [qid, optionIds] of Object.entries(x.when)) {
          const q = this.questionsFor(m).find((y) => y.id === qid);
          if (!q || optionIds.some((o) => !q.options.some((y) => y.id === o))) {
            problems.add(`条件引用了事项 ${m.no} 不存在的问题或选项（"${qid}"）`, at(`${field}.except.${x.matter}.when`));
          }
        }
      }
    }

    for (const { message, ...where } of OfficeDirectory.problems(this.offices)) problems.add(message, where);
  }
}

/** The file's JSON, or undefined with the problem (line and column for broken JSON) recorded. */
/** the knowledge files besides the matters, each read once by `load` */
const OTHER_FILES = ['offices.json', 'lexicon.json', 'categories.json', 'general.json', 'glossary.json', 'tuning.json'] as const;

/** a file's text, or why it could not be read (never rejects, so reads started together leave no rejection unhandled) */
function readText(dir: string, file: string): Promise<string | Error> {
  return fs.readFile(path.join(dir, file), 'utf8').catch((cause: unknown) => cause as Error);
}

async function readJson(reading: Promise<string | Error>, file: string, problems: KnowledgeProblems): Promise<unknown> {
  const text = await reading;
  if (text instanceof Error) {
    problems.add(`读不到文件（${text.message}）`, { file });
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    const { line, column } = lineColumn(text, syntaxErrorOffset(text, cause as Error));
    problems.add(`不是有效的 JSON：第 ${line} 行第 ${column} 列（${(cause as Error).message}）`, { file });
    return undefined;
  }
}

/** Where JSON.parse gave up: Node names a position for some errors only, the span scanner finds the rest. */
function syntaxErrorOffset(text: string, err: Error): number {
  const position = /at position (\d+)/.exec(err.message);
  if (position) return Number(position[1]);
  try {
    valueSpans(text);
  } catch (scan) {
    const offset = /at offset (\d+)/.exec((scan as Error).message);
    if (offset) return Number(offset[1]);
  }
  return text.length;
}
