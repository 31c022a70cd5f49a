import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { keysOf } from '../i18n/localizer.js';
import { escapePointer } from './jsonSpans.js';
import { BoText, Categories, General, Glossary, Matter, Office, TibetanName } from './schema.js';

export type TibetanStatus = 'verified' | 'draft' | 'missing';

/** One Tibetan string of the knowledge, or a place that should hold one and does not. */
export interface TibetanString {
  /** relative to the knowledge folder, e.g. matters/02.json */
  file: string;
  /** JSON pointer of the Tibetan object ({text,status,source} or an office's {script,status,source}) */
  pointer: string;
  kind: string;
  /** the Chinese it renders; empty for search words, which render nothing */
  zh: string;
  /** false for search words (bo.searchTerms): they are never shown */
  renders: boolean;
  /** the property of the Tibetan object that holds the script */
  textKey: 'text' | 'script';
  text: string;
  status: TibetanStatus;
  source: string;
  /** a draft with no status or source of its own: they come from the file's `tibetanDraft` note */
  inherited: boolean;
}

/** The schema of each knowledge file that carries Tibetan. */
export function schemaFor(file: string): z.ZodType | undefined {
  if (/^matters[/\\]\d+\.json$/.test(file)) return Matter;
  return ({
    'offices.json': z.object({ offices: z.array(Office) }),
    'categories.json': Categories,
    'general.json': General,
    'glossary.json': Glossary,
  } as Record<string, z.ZodType>)[file];
}

export async function knowledgeFiles(dir: string): Promise<string[]> {
  const matters = (await fs.readdir(path.join(dir, 'matters'))).filter((f) => f.endsWith('.json')).sort();
  const top = ['categories.json', 'general.json', 'offices.json', 'glossary.json'];
  return [...matters.map((f) => `matters/${f}`), ...top];
}

/** Every Tibetan string of the knowledge folder (raw files, so pointers name what is on disk). */
export async function tibetanStrings(dir: string): Promise<TibetanString[]> {
  const out: TibetanString[] = [];
  for (const file of await knowledgeFiles(dir)) {
    out.push(...tibetanStringsIn(file, JSON.parse(await fs.readFile(path.join(dir, file), 'utf8')) as unknown));
  }
  return out;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** optional / default / nullable … around the schema that matters */
function unwrap(schema: unknown): unknown {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (['optional', 'default', 'nullable', 'readonly', 'catch', 'nonoptional', 'prefault'].includes(def.type)) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else return s;
  }
}

/**
 * Walks one file's JSON beside its schema. Wherever the schema puts a `bo`
 * object, each of its keys renders the sibling field of the same name (an array
 * item by item); a key with no sibling holds search words. Office `tibetan`
 * arrays render the office's name. No field is named here: adding a `bo` key to
 * the schema is enough for it to be counted, exported and imported.
 */
export function tibetanStringsIn(file: string, raw: unknown): TibetanString[] {
  const schema = schemaFor(file);
  if (!schema) return [];
  const found = new Map<string, TibetanString>();
  const fileDraft = isRecord(raw) && isRecord(raw.tibetanDraft) && typeof raw.tibetanDraft.source === 'string' ? raw.tibetanDraft.source : '';
  const emit = (pointer: string, zh: string, renders: boolean, value: unknown, textKey: 'text' | 'script' = 'text'): void => {
    const v = isRecord(value) ? value : undefined;
    const inherited = v !== undefined && v.status === undefined && v.source === undefined;
    found.set(pointer, {
      file,
      pointer,
      kind: kindOf(file, pointer),
      zh,
      renders,
      textKey,
      text: typeof v?.[textKey] === 'string' ? (v[textKey] as string) : '',
      status: v ? (v.status === 'verified' ? 'verified' : 'draft') : 'missing',
      source: typeof v?.source === 'string' ? v.source : inherited ? fileDraft : '',
      inherited,
    });
  };

  const bo = (boSchema: unknown, owner: Record<string, unknown>, pointer: string): void => {
    const s = unwrap(boSchema);
    const value = owner.bo;
    const at = `${pointer}/bo`;
    // A Tibetan string directly under `bo` renders its owner's `zh` (glossary terms).
    if (s === BoText) {
      emit(at, typeof owner.zh === 'string' ? owner.zh : '', true, value);
      return;
    }
    const shape = defOf(s).shape as Record<string, unknown>;
    const given = isRecord(value) ? value : {};
    for (const [key, keySchema] of Object.entries(shape)) {
      const sibling = owner[key];
      const tib = given[key];
      const p = `${at}/${escapePointer(key)}`;
      if (defOf(unwrap(keySchema)).type === 'array') {
        const zh = Array.isArray(sibling) ? sibling.map(String) : [];
        const items = Array.isArray(tib) ? tib : [];
        const n = Math.max(zh.length, items.length);
        for (let i = 0; i < n; i++) {
          if (i < items.length || i < zh.length) emit(`${p}/${i}`, zh[i] ?? '', sibling !== undefined, items[i]);
        }
      } else if ((typeof sibling === 'string' && sibling !== '') || tib !== undefined) {
        emit(p, typeof sibling === 'string' ? sibling : '', sibling !== undefined, tib);
      }
    }
  };

  const visit = (schemaNode: unknown, value: unknown, pointer: string): void => {
    const s = unwrap(schemaNode);
    const def = defOf(s);
    switch (def.type) {
      case 'intersection':
        visit(def.left, value, pointer);
        visit(def.right, value, pointer);
        return;
      case 'union':
        for (const option of def.options as z.ZodType[]) {
          if (option.safeParse(value).success) return visit(option, value, pointer);
        }
        return;
      case 'array':
        if (Array.isArray(value)) value.forEach((v, i) => visit(def.element, v, `${pointer}/${i}`));
        return;
      case 'record':
        if (isRecord(value)) for (const [k, v] of Object.entries(value)) visit(def.valueType, v, `${pointer}/${escapePointer(k)}`);
        return;
      case 'object': {
        if (!isRecord(value)) return;
        const shape = def.shape as Record<string, unknown>;
        for (const [key, child] of Object.entries(shape)) {
          const p = `${pointer}/${escapePointer(key)}`;
          const inner = unwrap(child);
          if (key === 'bo') bo(child, value, pointer);
          else if (defOf(inner).type === 'array' && unwrap(defOf(inner).element) === TibetanName) {
            // A Tibetan name renders the owner's name; none at all is a missing name.
            const names = Array.isArray(value[key]) ? (value[key] as unknown[]) : [];
            const zh = typeof value.name === 'string' ? value.name : '';
            if (names.length === 0) emit(`${p}/0`, zh, true, undefined, 'script');
            names.forEach((n, i) => emit(`${p}/${i}`, zh, true, n, 'script'));
          } else visit(child, value[key], p);
        }
        return;
      }
      default:
        return;
    }
  };
  visit(schema, raw, '');
  return [...found.values()];
}

/** matters: the part of the matter (materials, questions, options …); other files: the file. */
function kindOf(file: string, pointer: string): string {
  const segs = pointer.split('/').slice(1);
  if (segs.includes('searchTerms')) return 'searchTerms';
  if (segs.includes('options')) return 'options';
  if (!file.startsWith('matters')) return path.basename(file, '.json');
  return segs[0] === 'bo' ? 'matters' : segs[0]!;
}

/** One key of a Tibetan locale file with its Chinese and review status (locales/bo.review.json). */
export interface LocaleString {
  /** namespace:key, as bo.review.json names it */
  id: string;
  namespace: string;
  key: string;
  zh: string;
  text: string;
  /** word lists are arrays: one item per line of text */
  list: boolean;
  status: 'verified' | 'draft';
  source: string;
}

export interface LocaleReview {
  about?: string;
  default: 'draft';
  verified: Record<string, { source: string }>;
  [other: string]: unknown;
}

export const LIST_SEPARATOR = ' | ';

const valueAt = (obj: unknown, key: string): unknown => key.split('.').reduce<unknown>((o, k) => (isRecord(o) ? o[k] : undefined), obj);
const asText = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(LIST_SEPARATOR) : typeof v === 'string' ? v : '');

export async function readLocaleReview(localesDir: string): Promise<LocaleReview> {
  return JSON.parse(await fs.readFile(path.join(localesDir, 'bo.review.json'), 'utf8')) as LocaleReview;
}

export async function localeStrings(localesDir: string): Promise<LocaleString[]> {
  const review = await readLocaleReview(localesDir);
  const out: LocaleString[] = [];
  const files = (await fs.readdir(path.join(localesDir, 'bo'))).filter((f) => f.endsWith('.json')).sort();
  for (const f of files) {
    const namespace = path.basename(f, '.json');
    const bo = JSON.parse(await fs.readFile(path.join(localesDir, 'bo', f), 'utf8')) as unknown;
    let zh: unknown = {};
    try {
      zh = JSON.parse(await fs.readFile(path.join(localesDir, 'zh-CN', f), 'utf8')) as unknown;
    } catch {
      // a namespace without Chinese is reported by the locale tests and start-up
    }
    for (const key of keysOf(bo)) {
      const id = `${namespace}:${key}`;
      const value = valueAt(bo, key);
      const verified = review.verified[id];
      out.push({
        id,
        namespace,
        key,
        zh: asText(valueAt(zh, key)),
        text: asText(value),
        list: Array.isArray(value),
        status: verified ? 'verified' : 'draft',
        source: verified?.source ?? 'draft: composed by the development team, awaiting native review',
      });
    }
  }
  return out;
}

export interface TibetanCounts {
  verified: number;
  draft: number;
  missing: number;
}

/** Counts per kind (search words apart: they are never shown, so never "missing"). */
export function countByKind<T extends { status: TibetanStatus }>(items: readonly T[], kind: (x: T) => string): Map<string, TibetanCounts> {
  const out = new Map<string, TibetanCounts>();
  for (const x of items) {
    const k = kind(x);
    const c = out.get(k) ?? { verified: 0, draft: 0, missing: 0 };
    c[x.status]++;
    out.set(k, c);
  }
  return out;
}
