import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient, messageKeys, staffCookie, startLiveService, type LiveService } from '../support/liveService.js';

let live: LiveService;
let dataDir: string;
const files: Record<string, string> = {};

/** What a crash and a bad hand edit leave: a truncated old-format day file, a day file with a broken line, a truncated learned file. */
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'startup-recovery-'));
  const now = Date.now();
  const day = (ago: number): string => new Date(now - ago * 86_400_000).toISOString().slice(0, 10);
  const gap = (d: string, id: string, question: string): string =>
    JSON.stringify({ id: `${d}_${id}`, at: `${d}T08:00:00.000Z`, kind: 'gap', reason: 'none', channel: 'wechat', conversation: 'c', lang: 'zh-CN', question });
  await mkdir(path.join(dataDir, 'review'), { recursive: true });
  await mkdir(path.join(dataDir, 'learned'), { recursive: true });
  files.legacy = path.join(dataDir, 'review', `${day(2)}.json`);
  files.lines = path.join(dataDir, 'review', `${day(1)}.jsonl`);
  files.learned = path.join(dataDir, 'learned', 'examples.json');
  const legacy = JSON.stringify({ version: 1, day: day(2), events: [JSON.parse(gap(day(2), 'a', '截断文件里的问题'))] });
  await writeFile(files.legacy, legacy.slice(0, legacy.length - 30));
  await writeFile(files.lines, `${gap(day(1), 'b', '坏行之前的问题')}\n{"id":"${day(1)}_c","at":\n${gap(day(1), 'd', '断电后还在的记录')}\n`);
  await writeFile(files.learned, '{"version":1,"examples":[{"matter":3,"text":"娃娃');
  for (const k of Object.keys(files)) files[`${k}Bytes`] = await readFile(files[k]!, 'utf8');
  live = await startLiveService({ DATA_DIR: dataDir }, 'warn');
}, 120_000);
afterAll(async () => {
  await live?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('broken review and learned files at start-up', () => {
  it('set them aside with a byte copy, say so in the log and to staff, and serve everyone', async () => {
    expect((await fetch(`${live.base}/healthz`)).status).toBe(200);
    const dl = new DirectLineTestClient(live.base);
    // Whatever the bot makes of it (not found, or an unsure offer), it answers.
    expect(messageKeys(await dl.say(await dl.open(), '火星上的医保怎么办')).length).toBeGreaterThan(0);

    const log = live.logText();
    for (const f of [files.legacy!, files.lines!, files.learned!]) expect(log).toContain(f);

    const cookie = await staffCookie(live.base);
    const get = async (url: string): Promise<any> => (await fetch(live.base + url, { headers: { cookie } })).json();
    const { notices } = await get('/api/admin/notices');
    expect(notices.map((n: any) => n.file).sort()).toEqual([files.learned, files.legacy, files.lines].sort());
    for (const n of notices) {
      const original = n.file === files.legacy ? files.legacyBytes : n.file === files.lines ? files.linesBytes : files.learnedBytes;
      expect(await readFile(n.backup, 'utf8')).toBe(original);
    }
    // The readable records stay in the queue beside the new question.
    const questions = (await get('/api/admin/review?limit=50')).groups.map((g: any) => g.question);
    expect(questions).toEqual(expect.arrayContaining(['坏行之前的问题', '断电后还在的记录']));
    expect(questions).not.toContain('截断文件里的问题');
  }, 60_000);
});
