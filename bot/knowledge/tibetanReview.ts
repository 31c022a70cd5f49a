import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors/inputError.js';
import { Localizer } from '../i18n/localizer.js';
import { parseCsv, toCsv } from './csv.js';
import { escapePointer, replaceValues, valueSpans } from './jsonSpans.js';
import { KnowledgeBase } from './knowledgeBase.js';
import { ReviewContext, type StringContext } from './reviewContext.js';
import {
  LIST_SEPARATOR,
  localeStrings,
  readLocaleReview,
  tibetanStrings,
  type LocaleReview,
} from './tibetanStrings.js';

/** `shown`, `interpolates` and `rank` are context for the reviewer, ignored on import. */
export const REVIEW_COLUMNS = ['id', 'kind', 'zh', 'bo', 'status', 'source', 'reviewer_note', 'shown', 'interpolates', 'rank'] as const;

const LETTER = /\p{L}/u;
/** a verified string names its reviewer or cites where it comes from */
const VERIFIED_SOURCE = /^(reviewed by\s+\S|(guide|list|tsv|pages|general|https?):\S)/i;

/** One string a reviewer may correct: where it lives and what it says now. */
interface Entry {
  id: string;
  kind: string;
  zh: string;
  text: string;
  status: 'verified' | 'draft';
  source: string;
  /** where it is shown and what fills it (only for the export) */
  context?: StringContext;
  /** a knowledge file (relative to the knowledge folder) or a locale namespace */
  target: { knowledge: string; pointer: string; textKey: string; inherited: boolean } | { namespace: string; key: string; list: boolean };
}

export interface ImportReport {
  applied: number;
  unchanged: number;
  /** files written, relative to their folder */
  files: string[];
}

/**
 * The Tibetan review round trip: every draft string, from the knowledge and from
 * locales/bo, out to one CSV; a reviewer's corrections back into the JSON files,
 * validated with the start-up loaders before anything is written.
 */
export class TibetanReview {
  constructor(
    private readonly knowledgeDir: string,
    private readonly localesDir: string,
  ) {}

  private async entries(withContext = false): Promise<Entry[]> {
    const context = withContext ? await ReviewContext.load(this.knowledgeDir, await Localizer.load(this.localesDir)) : undefined;
    const raw = new Map<string, unknown>();
    /** a material's Chinese name, whichever of its fields (name, form …) the string renders */
    const materialName = async (file: string, pointer: string): Promise<string | undefined> => {
      const i = /^\/materials\/(\d+)\//.exec(pointer)?.[1];
      if (i === undefined) return undefined;
      if (!raw.has(file)) raw.set(file, JSON.parse(await fs.readFile(path.join(this.knowledgeDir, file), 'utf8')) as unknown);
      return (raw.get(file) as { materials?: { name?: string }[] }).materials?.[Number(i)]?.name;
    };
    const knowledge: Entry[] = [];
    for (const s of (await tibetanStrings(this.knowledgeDir)).filter((x) => x.status !== 'missing')) {
      knowledge.push({
        id: `knowledge/${s.file}#${s.pointer}`,
        kind: s.kind,
        zh: s.zh,
        text: s.text,
        status: s.status as 'verified' | 'draft',
        source: s.source,
        context: context?.knowledge(s.file, s.pointer, s.kind, s.zh, await materialName(s.file, s.pointer)),
        target: { knowledge: s.file, pointer: s.pointer, textKey: s.textKey, inherited: s.inherited },
      });
    }
    const locale: Entry[] = (await localeStrings(this.localesDir)).map((s) => ({
      id: `locales/bo/${s.namespace}.json#${s.key}`,
      kind: 'interface',
      zh: s.zh,
      text: s.text,
      status: s.status,
      source: s.source,
      context: context?.locale(s.namespace, s.key, s.text),
      target: { namespace: s.namespace, key: s.key, list: s.list },
    }));
    return [...knowledge, ...locale];
  }

  /**
   * Every draft as CSV rows (header first), the strings people see most first: the welcome,
   * the questions and their buttons, the 30 materials the most matters list, then the rest
   * of the chat and checklists, the staff pages, the glossary, and last the words never shown.
   * Each row says where the string is shown and what its placeholders hold.
   */
  async exportCsv(): Promise<{ csv: string; rows: number }> {
    const drafts = (await this.entries(true)).filter((e) => e.status === 'draft');
    const order = drafts
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.context!.tier - b.e.context!.tier || b.e.context!.weight - a.e.context!.weight || a.i - b.i);
    const rows = order.map(({ e }, rank) => [e.id, e.kind, e.zh, e.text, e.status, e.source, '', e.context!.shown, e.context!.interpolates, String(rank + 1)]);
    return { csv: toCsv([[...REVIEW_COLUMNS], ...rows]), rows: rows.length };
  }

  /**
   * Applies a reviewer's CSV. All or nothing: any unknown id, stale row (the
   * Chinese changed since the export), non-Tibetan text or unsupported
   * verification refuses the whole file, listing every problem.
   */
  async importCsv(csvText: string): Promise<ImportReport> {
    const table = parseCsv(csvText);
    const header = (table[0] ?? []).map((h) => h.trim().toLowerCase());
    const col = Object.fromEntries(['id', 'zh', 'bo', 'status', 'source'].map((c) => [c, header.indexOf(c)]));
    const absent = Object.entries(col).filter(([, i]) => i < 0).map(([c]) => c);
    if (absent.length > 0) throw new InputError(`the CSV has no column ${absent.join(', ')} (expected ${REVIEW_COLUMNS.join(',')})`);

    const byId = new Map((await this.entries()).map((e) => [e.id, e]));
    const problems: string[] = [];
    const changes: { entry: Entry; text: string; status: 'verified' | 'draft'; source: string }[] = [];
    const seen = new Set<string>();
    let unchanged = 0;
    table.slice(1).forEach((row, i) => {
      const line = i + 2;
      const get = (c: string): string => (row[col[c]!] ?? '').trim();
      const id = get('id');
      const entry = byId.get(id);
      if (!entry) return void problems.push(`line ${line}: unknown id "${id}"`);
      if (seen.has(id)) return void problems.push(`line ${line}: ${id} appears twice`);
      seen.add(id);
      if (get('zh') !== entry.zh.trim()) {
        return void problems.push(`line ${line}: ${id} is stale: the Chinese is now "${entry.zh}" (exported: "${get('zh')}"); export again`);
      }
      const text = get('bo');
      const status = get('status').toLowerCase();
      const source = get('source') || entry.source;
      if (status !== 'draft' && status !== 'verified') return void problems.push(`line ${line}: ${id}: status must be draft or verified, not "${status}"`);
      if (text === entry.text.trim() && status === entry.status && source === entry.source) return void unchanged++;
      if (Localizer.detect(text) !== 'bo' && (LETTER.test(entry.zh) || text === '')) {
        return void problems.push(`line ${line}: ${id}: the text is not Tibetan script: "${text.slice(0, 40)}"`);
      }
      if (status === 'verified' && (!VERIFIED_SOURCE.test(source) || /draft/i.test(source))) {
        return void problems.push(
          `line ${line}: ${id}: a verified string needs a source saying who reviewed it ("reviewed by NAME, DATE") or citing a document (guide:…, list:…, https://…), not "${source}"`,
        );
      }
      changes.push({ entry, text, status, source });
    });
    if (problems.length > 0) throw new InputError(`the review file was not applied (${problems.length} problems):\n${problems.join('\n')}`, 400, { problems });

    const edits = new Map<string, Map<string, string>>();
    const edit = (file: string, pointer: string, value: unknown, indent?: string): void => {
      const m = edits.get(file) ?? new Map<string, string>();
      m.set(pointer, indent === undefined ? JSON.stringify(value) : JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`));
      edits.set(file, m);
    };
    const review = await readLocaleReview(this.localesDir);
    let reviewChanged = false;
    for (const { entry, text, status, source } of changes) {
      const t = entry.target;
      if ('knowledge' in t) {
        const file = path.join(this.knowledgeDir, t.knowledge);
        if (t.inherited && status === 'draft' && source === entry.source) {
          // still the file's draft note: the string keeps inheriting it
          edit(file, `${t.pointer}/${t.textKey}`, text);
        } else if (t.inherited) {
          // a verified string (or another's draft) carries its own status and source
          const doc = await fs.readFile(file, 'utf8');
          edit(file, t.pointer, { [t.textKey]: text, status, source }, indentAt(doc, t.pointer));
        } else {
          edit(file, `${t.pointer}/${t.textKey}`, text);
          edit(file, `${t.pointer}/status`, status);
          edit(file, `${t.pointer}/source`, source);
        }
      } else {
        const file = path.join(this.localesDir, 'bo', `${t.namespace}.json`);
        const pointer = '/' + t.key.split('.').map(escapePointer).join('/');
        edit(file, pointer, t.list ? text.split(LIST_SEPARATOR.trim()).map((w) => w.trim()).filter(Boolean) : text);
        const id = `${t.namespace}:${t.key}`;
        if (status === 'verified') review.verified[id] = { source };
        else delete review.verified[id];
        reviewChanged = reviewChanged || status !== entry.status || (status === 'verified' && source !== entry.source);
      }
    }

    const written = new Map<string, string>();
    for (const [file, m] of edits) written.set(file, replaceValues(await fs.readFile(file, 'utf8'), m));
    if (reviewChanged) {
      const file = path.join(this.localesDir, 'bo.review.json');
      written.set(file, withVerified(await fs.readFile(file, 'utf8'), review));
    }
    await this.validate(written);
    for (const [file, text] of written) {
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, text, 'utf8');
      await fs.rename(tmp, file);
    }
    const rel = [...written.keys()].map((f) => path.relative(path.dirname(this.knowledgeDir), f));
    return { applied: changes.length, unchanged, files: rel };
  }

  /** Loads a copy with the new files exactly as start-up would; throws its error if it refuses them. */
  private async validate(files: ReadonlyMap<string, string>): Promise<void> {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'bo-import-'));
    try {
      const k = path.join(tmp, 'knowledge');
      const l = path.join(tmp, 'locales');
      await fs.cp(this.knowledgeDir, k, { recursive: true });
      await fs.cp(this.localesDir, l, { recursive: true });
      for (const [file, text] of files) {
        const inK = path.relative(this.knowledgeDir, file);
        const target = inK.startsWith('..') ? path.join(l, path.relative(this.localesDir, file)) : path.join(k, inK);
        await fs.writeFile(target, text, 'utf8');
      }
      await KnowledgeBase.load(k);
      await Localizer.load(l);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }
}

/** The indentation of the line where the value at `pointer` starts, so a rewritten object keeps the file's 2-space layout. */
function indentAt(text: string, pointer: string): string {
  const start = valueSpans(text).get(pointer)?.start ?? 0;
  const line = text.slice(text.lastIndexOf('\n', start - 1) + 1, start);
  return /^\s*/.exec(line)![0];
}

/** bo.review.json with a new `verified` map, the rest of the file as it was. */
function withVerified(text: string, review: LocaleReview): string {
  const sorted = Object.fromEntries(Object.entries(review.verified).sort(([a], [b]) => a.localeCompare(b)));
  const entries = Object.entries(sorted).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const json = entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n  }`;
  return replaceValues(text, new Map([['/verified', json]]));
}
