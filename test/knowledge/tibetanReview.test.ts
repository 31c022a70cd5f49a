import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, ROOT_DIR } from '../../bot/config/config.js';
import { Localizer } from '../../bot/i18n/localizer.js';
import { parseCsv, toCsv } from '../../bot/knowledge/csv.js';
import { KnowledgeBase } from '../../bot/knowledge/knowledgeBase.js';
import { localeStrings, tibetanStrings } from '../../bot/knowledge/tibetanStrings.js';
import { REVIEW_COLUMNS, TibetanReview } from '../../bot/knowledge/tibetanReview.js';

const config = loadConfig();
let tmp: string;
let kDir: string;
let lDir: string;

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'bo-review-'));
  kDir = path.join(tmp, 'knowledge');
  lDir = path.join(tmp, 'locales');
  await fs.cp(config.knowledgeDir, kDir, { recursive: true });
  await fs.cp(config.localesDir, lDir, { recursive: true });
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const col = (name: (typeof REVIEW_COLUMNS)[number]): number => REVIEW_COLUMNS.indexOf(name);
const REVIEWER = 'reviewed by Tenzin Dolma, 2026-11-22';
const valueAt = (root: unknown, pointer: string): unknown =>
  pointer.split('/').slice(1).reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], root);

async function exported(): Promise<string[][]> {
  return parseCsv((await new TibetanReview(kDir, lDir).exportCsv()).csv);
}

/** All files of both folders, to prove a refused import wrote nothing. */
async function snapshot(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const d of [kDir, lDir]) {
    for (const f of await fs.readdir(d, { recursive: true })) {
      const p = path.join(d, f);
      if ((await fs.stat(p)).isFile()) out.set(p, await fs.readFile(p, 'utf8'));
    }
  }
  return out;
}

describe('CSV', () => {
  it('round-trips commas, quotes, line breaks and Tibetan, with a byte-order mark and CRLF', () => {
    const rows = [['a,b', 'say "ལགས་སོ།"', 'line 1\nline 2', ''], ['x', '', 'y', 'z']];
    const csv = toCsv(rows);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('"say ""ལགས་སོ།"""');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parseCsv(csv)).toEqual(rows);
  });
});

describe('kb:bo-export', () => {
  it('lists every draft string, of the knowledge and of every locale namespace, and nothing verified', async () => {
    const rows = await exported();
    expect(rows[0]).toEqual([...REVIEW_COLUMNS]);
    const drafts = (await tibetanStrings(kDir)).filter((s) => s.status === 'draft');
    const localeDrafts = (await localeStrings(lDir)).filter((s) => s.status === 'draft');
    expect(rows.length - 1).toBe(drafts.length + localeDrafts.length);
    expect(new Set(rows.slice(1).map((r) => r[col('id')])).size).toBe(rows.length - 1);
    expect(rows.slice(1).every((r) => r[col('status')] === 'draft')).toBe(true);
    const namespaces = new Set(rows.filter((r) => r[col('kind')] === 'interface').map((r) => /^locales\/bo\/(\w+)\.json#/.exec(r[0]!)![1]));
    expect([...namespaces].sort()).toEqual([...new Set(localeDrafts.map((s) => s.namespace))].sort());
  });
});

describe('kb:bo-export: context and reading order (issue 16 §5)', () => {
  it('puts what people see most first: the welcome, the questions, the 30 materials the most matters list; words never shown last', async () => {
    const rows = (await exported()).slice(1);
    const id = (r: string[]): string => r[col('id')]!;
    expect(id(rows[0]!)).toBe('locales/bo/bot.json#welcome');
    expect(rows.map((r) => Number(r[col('rank')]))).toEqual(rows.map((_, i) => i + 1));
    const at = (test: (r: string[]) => boolean): number[] => rows.flatMap((r, i) => (test(r) ? [i] : []));
    const questions = at((r) => ['questions', 'options'].includes(r[col('kind')]!) || id(r) === 'locales/bo/bot.json#askCounty');
    const materials = at((r) => r[col('kind')] === 'materials');
    const neverShown = at((r) => r[col('kind')] === 'searchTerms' || id(r).includes('#words.'));
    const glossary = at((r) => r[col('kind')] === 'glossary');
    expect(Math.max(...questions)).toBeLessThan(Math.min(...materials));
    expect(Math.max(...glossary)).toBeLessThan(Math.min(...neverShown));
    expect(neverShown.at(-1)).toBe(rows.length - 1);

    // the materials listed by the most matters, counted here from the knowledge itself
    const use = new Map<string, number>();
    for (const m of (await KnowledgeBase.load(kDir)).matters) for (const n of new Set(m.materials.map((x) => x.name))) use.set(n, (use.get(n) ?? 0) + 1);
    const counts = [...use.values()].sort((a, b) => b - a);
    const materialOf = async (r: string[]): Promise<string> => {
      const [file, pointer] = id(r).replace(/^knowledge\//, '').split('#') as [string, string];
      const raw = JSON.parse(await fs.readFile(path.join(kDir, file), 'utf8')) as { materials: { name: string }[] };
      return raw.materials[Number(pointer.split('/')[2])]!.name;
    };
    // the first material rows: non-increasing use, each at least the 30th-highest count, before any other string of the checklists
    const firstMaterials: string[] = [];
    for (let i = materials[0]!; rows[i]?.[col('kind')] === 'materials'; i++) firstMaterials.push(await materialOf(rows[i]!));
    const uses = firstMaterials.map((n) => use.get(n)!);
    expect(uses.length).toBeGreaterThan(0);
    expect(uses).toEqual([...uses].sort((a, b) => b - a));
    expect(Math.min(...uses)).toBeGreaterThanOrEqual(counts[29]!);
    expect(new Set(firstMaterials).size).toBeLessThanOrEqual(30);
    expect(rows[materials[0]!]![col('shown')]).toMatch(/^checklist: a material to bring \(matter \d+ .+\); listed by \d+ matter/);
  });

  it('says where each string is shown and what fills its placeholders, with the string rendered through the particle formatters', async () => {
    const rows = (await exported()).slice(1);
    expect(rows.filter((r) => r[col('shown')] === '').map((r) => r[col('id')])).toEqual([]);
    const human = rows.find((r) => r[col('id')] === 'locales/bo/bot.json#human')!;
    expect(human[col('interpolates')]).toContain("{{name}}: an office's Tibetan name, genitive agreeing");
    expect(human[col('interpolates')]).toContain('རྒྱལ་རྩེའི་སྨན་བཅོས');
    expect(human[col('shown')]).toBe('chat and checklist: a reply');
    const sentAt = rows.find((r) => r[col('id')] === 'locales/bo/web.json#webchat.ACTIVITY_STATUS_SEND_STATUS_ALT_SENT_AT')!;
    expect(sentAt[col('shown')]).toMatch(/screen readers/);
    const question = rows.find((r) => r[col('kind')] === 'questions')!;
    expect(question[col('shown')]).toMatch(/^chat: a question the bot asks \(matter \d+ /);
    expect(rows.find((r) => r[col('kind')] === 'searchTerms')![col('shown')]).toMatch(/^never shown/);
  });
});

describe('kb:bo-import', () => {
  it('applies a corrected and verified knowledge string in place; the loader sees it, the rest of the file is untouched', async () => {
    const rows = await exported();
    const row = rows.find((r) => r[col('kind')] === 'materials')!;
    const [file, pointer] = row[col('id')]!.replace(/^knowledge\//, '').split('#') as [string, string];
    const before = await fs.readFile(path.join(kDir, file), 'utf8');
    const corrected = `${row[col('bo')]!.replace(/།$/, '')} ལེགས།`;
    row[col('bo')] = corrected;
    row[col('status')] = 'verified';
    row[col('source')] = REVIEWER;
    const report = await new TibetanReview(kDir, lDir).importCsv(toCsv(rows));
    expect(report).toMatchObject({ applied: 1, unchanged: rows.length - 2, files: [`knowledge/${file}`] });

    const kb = await KnowledgeBase.load(kDir);
    const [, , index] = pointer.split('/');
    const material = kb.matter(Number.parseInt(path.basename(file), 10))!.materials[Number(index)]!;
    expect(material.bo?.name).toEqual({ text: corrected, status: 'verified', source: REVIEWER });

    // It inherited the file's draft note; verified, it carries its own status and source, and nothing else changed.
    expect(valueAt(JSON.parse(before), pointer)).not.toHaveProperty('status');
    const after = await fs.readFile(path.join(kDir, file), 'utf8');
    const own = new RegExp(`,\\n\\s*"status": "verified",\\n\\s*"source": "${REVIEWER}"`);
    expect(after).toMatch(own);
    const [a, b] = [before.split('\n'), after.replace(own, '').split('\n')];
    expect(b.length).toBe(a.length);
    expect(a.filter((line, i) => line !== b[i])).toHaveLength(1);
    // Written as the editors write it: unescaped UTF-8.
    expect(after).toContain(corrected);
    expect((await exported()).some((r) => r[col('id')] === row[col('id')])).toBe(false);
  });

  it('a corrected draft that stays a draft keeps inheriting its file\'s draft note: only its text line changes', async () => {
    const rows = await exported();
    const row = rows.find((r) => r[col('kind')] === 'materials')!;
    const [file, pointer] = row[col('id')]!.replace(/^knowledge\//, '').split('#') as [string, string];
    const before = await fs.readFile(path.join(kDir, file), 'utf8');
    row[col('bo')] = `${row[col('bo')]!.replace(/།$/, '')} ལེགས།`;
    await new TibetanReview(kDir, lDir).importCsv(toCsv([rows[0]!, row]));
    const after = await fs.readFile(path.join(kDir, file), 'utf8');
    const [a, b] = [before.split('\n'), after.split('\n')];
    expect(b.length).toBe(a.length);
    expect(a.filter((line, i) => line !== b[i])).toHaveLength(1);
    expect(valueAt(JSON.parse(after), pointer)).toEqual({ text: row[col('bo')] });
    const again = (await exported()).find((r) => r[col('id')] === row[col('id')])!;
    expect([again[col('status')], again[col('source')]]).toEqual(['draft', row[col('source')]]);
  });

  it('records a verified interface string in bo.review.json, and start-up still loads the locales', async () => {
    const rows = await exported();
    const row = rows.find((r) => r[col('id')] === 'locales/bo/bot.json#welcome')!;
    row[col('status')] = 'verified';
    row[col('source')] = REVIEWER;
    await new TibetanReview(kDir, lDir).importCsv(toCsv([rows[0]!, row]));
    const review = JSON.parse(await fs.readFile(path.join(lDir, 'bo.review.json'), 'utf8')) as { verified: Record<string, { source: string }> };
    expect(review.verified['bot:welcome']).toEqual({ source: REVIEWER });
    await expect(Localizer.load(lDir)).resolves.toBeDefined();
    expect((await localeStrings(lDir)).find((s) => s.id === 'bot:welcome')?.status).toBe('verified');
  });

  const refusals: [string, (rows: string[][]) => string[][], RegExp][] = [
    ['an unknown id', (rows) => [rows[0]!, ['knowledge/matters/99.json#/bo/title', 'matters', '', 'ལགས།', 'draft', 'x', '']], /unknown id/],
    ['a stale row (the Chinese changed since the export)', (rows) => [rows[0]!, rows[1]!.map((v, i) => (i === col('zh') ? `${v}（旧）` : v))], /stale/],
    ['text that is not Tibetan', (rows) => [rows[0]!, rows[1]!.map((v, i) => (i === col('bo') ? 'not Tibetan' : v))], /not Tibetan script/],
    ['verified with no reviewer or citation', (rows) => [rows[0]!, rows[1]!.map((v, i) => (i === col('status') ? 'verified' : v))], /who reviewed/],
    ['an unknown status', (rows) => [rows[0]!, rows[1]!.map((v, i) => (i === col('status') ? 'ok' : v))], /status must be/],
    ['a missing column', (rows) => rows.map((r) => r.filter((_, i) => i !== col('zh'))), /no column zh/],
  ];
  it.each(refusals)('refuses %s and writes nothing', async (_name, edit, message) => {
    const rows = await exported();
    const before = await snapshot();
    await expect(new TibetanReview(kDir, lDir).importCsv(toCsv(edit(rows)))).rejects.toThrow(message);
    expect(await snapshot()).toEqual(before);
  });
});

describe('the CLIs on a copy (KNOWLEDGE_DIR, LOCALES_DIR)', () => {
  const cli = (name: string, ...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'bot', 'cli', name), ...args], {
      cwd: ROOT_DIR,
      env: { ...process.env, KNOWLEDGE_DIR: kDir, LOCALES_DIR: lDir, LOG_LEVEL: 'silent' },
    });
  type Counts = { tibetan: { knowledge: { verified: number; draft: number; missing: number }; locales: Record<string, { verified: number; draft: number }> } };

  it('export → a reviewer verifies a string → import → kb:check counts it as verified', async () => {
    const before = JSON.parse((await cli('kbCheck.ts', '--json')).stdout) as Counts;
    const csvFile = path.join(tmp, 'drafts.csv');
    expect((await cli('boExport.ts', csvFile)).stdout).toMatch(/draft strings written/);
    const rows = parseCsv(await fs.readFile(csvFile, 'utf8'));
    const row = rows.find((r) => r[col('kind')] === 'notes')!;
    row[col('status')] = 'verified';
    row[col('source')] = REVIEWER;
    await fs.writeFile(csvFile, toCsv(rows));
    expect((await cli('boImport.ts', csvFile)).stdout).toMatch(/^1 strings applied/);
    const after = JSON.parse((await cli('kbCheck.ts', '--json')).stdout) as Counts;
    const { verified, draft } = before.tibetan.knowledge;
    expect(after.tibetan.knowledge).toEqual({ ...before.tibetan.knowledge, verified: verified + 1, draft: draft - 1 });
  });

  it('import refuses a bad file with exit code 1 and says which line', async () => {
    const csvFile = path.join(tmp, 'bad.csv');
    await fs.writeFile(csvFile, toCsv([[...REVIEW_COLUMNS], ['nope', '', '', 'ལགས།', 'draft', '', '']]));
    await expect(cli('boImport.ts', csvFile)).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/line 2: unknown id "nope"/) });
  });
});
