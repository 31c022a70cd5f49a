import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { knowledgeFiles, tibetanStrings, tibetanStringsIn } from '../../bot/knowledge/tibetanStrings.js';

const dir = loadConfig().knowledgeDir;
const read = async (file: string): Promise<unknown> => JSON.parse(await fs.readFile(path.join(dir, file), 'utf8')) as unknown;
const at = (root: unknown, pointer: string): unknown =>
  pointer.split('/').slice(1).reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], root);

/** A plain scan of the raw JSON, independent of the walker: every {text,status,source} under a `bo`, every office name. */
function scan(value: unknown, pointer = '', inBo = false, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v, i) => scan(v, `${pointer}/${i}`, inBo, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ((inBo && typeof o.text === 'string' && typeof o.status === 'string') || (/\/tibetan\/\d+$/.test(pointer) && typeof o.script === 'string')) out.push(pointer);
    else for (const [k, v] of Object.entries(o)) scan(v, `${pointer}/${k}`, inBo || k === 'bo', out);
  }
  return out;
}

describe('Tibetan strings of the knowledge', () => {
  it('finds every Tibetan string in every file, with its text and status as stored', async () => {
    for (const file of await knowledgeFiles(dir)) {
      const raw = await read(file);
      const found = tibetanStringsIn(file, raw).filter((s) => s.status !== 'missing');
      expect(found.map((s) => s.pointer).sort(), file).toEqual(scan(raw).sort());
      for (const s of found) {
        const stored = at(raw, s.pointer) as Record<string, string>;
        expect(s.text).toBe(stored[s.textKey]);
        expect(s.status).toBe(stored.status);
      }
    }
  });

  it('pairs each with the Chinese it renders: the sibling field (item by item), the office name, or nothing for search words', async () => {
    const strings = await tibetanStrings(dir);
    expect(strings.length).toBeGreaterThan(1000);
    for (const s of strings) {
      const raw = await read(s.file);
      const sibling = s.pointer.replace(/\/bo\/([^/]+)/, '/$1');
      if (s.textKey === 'script') expect(s.zh).toBe(at(raw, s.pointer.replace(/\/tibetan\/\d+$/, '/name')));
      else if (s.kind === 'searchTerms') expect([s.zh, s.renders]).toEqual(['', false]);
      else if (s.pointer.endsWith('/bo')) expect(s.zh).toBe(at(raw, s.pointer.replace(/\/bo$/, '/zh')));
      else expect(s.zh, `${s.file}#${s.pointer}`).toBe(at(raw, sibling));
    }
  });

  it('reports a rendered field without Tibetan as missing, with the Chinese it lacks', async () => {
    const matter = (await read('matters/19.json')) as Record<string, any>;
    delete matter.materials[0].bo;
    matter.process.bo.steps.pop();
    delete matter.bo.title;
    const missing = tibetanStringsIn('matters/19.json', matter).filter((s) => s.status === 'missing');
    expect(missing.map((s) => [s.pointer, s.zh])).toEqual(
      expect.arrayContaining([
        ['/materials/0/bo/name', matter.materials[0].name],
        [`/process/bo/steps/${matter.process.steps.length - 1}`, matter.process.steps.at(-1)],
        ['/bo/title', matter.title],
      ]),
    );
    const offices = (await read('offices.json')) as { offices: { name: string; tibetan: unknown[] }[] };
    offices.offices[5]!.tibetan = [];
    const names = tibetanStringsIn('offices.json', offices).filter((s) => s.status === 'missing');
    expect(names.map((s) => s.zh)).toEqual([offices.offices[5]!.name]);
  });

  it('leaves nothing shown to people without Tibetan in the committed knowledge', async () => {
    const missing = (await tibetanStrings(dir)).filter((s) => s.status === 'missing');
    expect(missing.map((s) => `${s.file}#${s.pointer} (${s.zh})`)).toEqual([]);
  });
});
