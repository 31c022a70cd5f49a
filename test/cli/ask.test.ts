import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../bot/config/config.js';

const run = promisify(execFile);
const ask = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'bot', 'cli', 'ask.ts'), ...args], {
    cwd: ROOT_DIR,
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });

describe('npm run ask', () => {
  it('--json prints the API shape with the office found', async () => {
    const { stdout } = await ask('我户口在日喀则江孜，低保户怎么参加城乡居民医保', '--json');
    const out = JSON.parse(stdout) as { outcome: string; matches: { no: number }[]; offices: { matches: { name: string }[] } };
    expect(['match', 'ambiguous']).toContain(out.outcome);
    expect(out.matches.map((m) => m.no)).toContain(3);
    expect(out.offices.matches[0]?.name).toBe('江孜县');
  });

  it('prints a readable summary', async () => {
    const { stdout } = await ask('住院费用怎么报销');
    expect(stdout).toMatch(/结果: 匹配 match/);
    expect(stdout).toMatch(/1\. \[19\] 住院费用报销/);
  });

  it('refuses an empty question with usage', async () => {
    await expect(ask()).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/usage/) });
  });
});
