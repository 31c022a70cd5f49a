import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { DirectLineTestClient, messageKeys, startLiveService, type LiveService } from '../support/liveService.js';

/**
 * Adding a matter is one new file under knowledge/matters/ (issue 17): a throw-away matter in a
 * copy of knowledge/, and the whole service started on it (KNOWLEDGE_DIR) finds it by search and in a chat.
 */
const TITLE = '虫草采集季节工临时参保登记';
const NO = 900;

describe('a new matter is a data change only', () => {
  let dir: string;
  let live: LiveService;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kb-new-matter-'));
    await fs.cp(loadConfig().knowledgeDir, dir, { recursive: true });
    // Any existing matter as a template: a non-personal one with no questions, so the chat goes straight to the answer.
    const template = JSON.parse(await fs.readFile(path.join(dir, 'matters', '07.json'), 'utf8')) as Record<string, unknown>;
    const matter = {
      ...template,
      no: NO,
      code: null,
      title: TITLE,
      summary: '虫草季节来藏采集虫草的季节工人办理临时参保登记。',
      keywords: ['虫草采集', '季节工', '虫草季'],
      examples: ['挖虫草的季节工怎么临时参保', '虫草季节工参保登记去哪办'],
      situations: [],
      related: [],
      bo: undefined,
    };
    await fs.writeFile(path.join(dir, 'matters', `${NO}.json`), JSON.stringify(matter, null, 2));
    live = await startLiveService({ KNOWLEDGE_DIR: dir }, 'silent');
  });
  afterAll(async () => {
    await live?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('is listed, searched and answered in a chat', async () => {
    const list = (await (await fetch(`${live.base}/api/matters`)).json()) as unknown;
    expect(JSON.stringify(list)).toContain(TITLE);
    expect(((await (await fetch(`${live.base}/api/matters/${NO}`)).json()) as { title: string }).title).toBe(TITLE);

    const search = (await (await fetch(`${live.base}/api/search?q=${encodeURIComponent('挖虫草的季节工要参保登记')}`)).json()) as {
      outcome: string;
      matches: { no: number }[];
    };
    expect(search.matches[0]?.no).toBe(NO);

    const dl = new DirectLineTestClient(live.base);
    const conv = await dl.open();
    const opened = await dl.say(conv, TITLE);
    expect(messageKeys(opened)).toContain('matterStart');
    expect(JSON.stringify(opened)).toContain(TITLE);
    // Its unit is at every level, so the assistant asks where the person is before the answer.
    const answered = await dl.say(conv, '城关区');
    expect(messageKeys(answered)).toContain('checklist');
    expect(JSON.stringify(answered)).toContain(TITLE);
  });
});
