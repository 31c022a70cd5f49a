import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ROOT_DIR } from '../../bot/config/config.js';

/** `npm run kb:check` as an editor runs it, on a copy of knowledge/ with three slips in three files. */
describe('kb:check on broken knowledge', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kbcheck-'));
    await fs.cp(loadConfig().knowledgeDir, dir, { recursive: true });
    const offices = JSON.parse(await fs.readFile(path.join(dir, 'offices.json'), 'utf8')) as { offices: { name: string; phones: string[] }[] };
    offices.offices[1]!.phones = ['0891—6324187'];
    await fs.writeFile(path.join(dir, 'offices.json'), JSON.stringify(offices, null, 2));
    const matter = JSON.parse(await fs.readFile(path.join(dir, 'matters', '05.json'), 'utf8')) as { materials: { id: string; source?: string }[] };
    delete matter.materials[0]!.source;
    await fs.writeFile(path.join(dir, 'matters', '05.json'), JSON.stringify(matter, null, 2));
    await fs.writeFile(path.join(dir, 'glossary.json'), '{\n  "terms": [\n');
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('exits 1 and lists every problem in Chinese: ids, line:column, and a hint for a Chinese dash in a phone number', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'bot', 'cli', 'kbCheck.ts')], {
      cwd: ROOT_DIR,
      env: { ...process.env, KNOWLEDGE_DIR: dir, LOG_LEVEL: 'silent' },
    });
    const failed = (await run.then(
      () => null,
      (e: unknown) => e,
    )) as { code: number; stderr: string } | null;
    expect(failed?.code).toBe(1);
    const offices = JSON.parse(await fs.readFile(path.join(dir, 'offices.json'), 'utf8')) as { offices: { name: string }[] };
    const matter = JSON.parse(await fs.readFile(path.join(dir, 'matters', '05.json'), 'utf8')) as { materials: { id: string }[] };
    const lines = failed!.stderr.trim().split('\n');
    expect(lines[0]).toBe('知识库检查未通过：');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^matters/05\\.json \\[5\\] materials\\.${matter.materials[0]!.id}\\.source: 无效输入`)),
      `offices.json [${offices.offices[1]!.name}] phones.0: 无效字符串：必须满足正则表达式 /^[0-9][0-9-]{6,}$/（提示："0891—6324187" 里的横线是全角或中文破折号，电话号码请用半角 "-"）`,
      expect.stringMatching(/^glossary\.json: 不是有效的 JSON：第 3 行第 1 列/),
      '（共 3 处问题）',
    ]);
  });
});
