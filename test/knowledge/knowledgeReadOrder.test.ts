import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../bot/config/config.js';
import { KnowledgeError } from '../../bot/errors/knowledgeError.js';
import { KnowledgeBase } from '../../bot/knowledge/knowledgeBase.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))));

// KnowledgeBase.load reads every file at once (issue 15, start-up) but must report as it did reading them one by one:
// files in order (matters by number, then offices, lexicon, categories, general, glossary, tuning), read failures included.
describe('knowledge files read together, problems in file order', () => {
  it('reports broken, invalid and missing files in file order, each once', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kb-read-order-'));
    dirs.push(dir);
    await fs.cp(path.join(ROOT_DIR, 'knowledge'), dir, { recursive: true });
    await fs.rm(path.join(dir, 'glossary.json'));
    await fs.rm(path.join(dir, 'offices.json'));
    await fs.writeFile(path.join(dir, 'matters', '05.json'), '{ "no": 5,');
    const m2File = path.join(dir, 'matters', '02.json');
    const m2 = JSON.parse(await fs.readFile(m2File, 'utf8')) as Record<string, unknown>;
    delete m2.materials;
    await fs.writeFile(m2File, JSON.stringify(m2));

    const err = (await KnowledgeBase.load(dir).then(() => null, (e: unknown) => e)) as KnowledgeError;
    expect(err).toBeInstanceOf(KnowledgeError);
    expect(err.problems.map((p) => `${KnowledgeError.at(p)}: ${p.message}`)).toEqual([
      expect.stringMatching(/^matters\/02\.json \[2\] materials: /),
      expect.stringMatching(/^matters\/05\.json: 不是有效的 JSON：/),
      expect.stringMatching(/^offices\.json: 读不到文件（ENOENT/),
      expect.stringMatching(/^glossary\.json: 读不到文件（ENOENT/),
    ]);
  });
});
