import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { keysOf, Localizer, LANGS } from '../../bot/i18n/localizer.js';

const dir = loadConfig().localesDir;

describe('locales', () => {
  it('hold the same keys in zh-CN and bo, for every namespace', async () => {
    const namespaces = (await fs.readdir(path.join(dir, 'zh-CN'))).filter((f) => f.endsWith('.json'));
    expect(namespaces.length).toBeGreaterThan(0);
    for (const ns of namespaces) {
      const [zh, bo] = await Promise.all(LANGS.map(async (l) => keysOf(JSON.parse(await fs.readFile(path.join(dir, l, ns), 'utf8'))).sort()));
      expect(bo, ns).toEqual(zh);
    }
  });

  it('refuse to load when a key is missing in one language', async () => {
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'locales-'));
    await fs.cp(dir, copy, { recursive: true });
    const file = path.join(copy, 'bo', 'bot.json');
    const bo = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    delete bo.welcome;
    await fs.writeFile(file, JSON.stringify(bo));
    await expect(Localizer.load(copy)).rejects.toThrow(/keys missing in one language: bo:bot\.welcome/);
  });

  it('marks every Tibetan string as verified or draft', async () => {
    const review = JSON.parse(await fs.readFile(path.join(dir, 'bo.review.json'), 'utf8')) as { default: string; verified: Record<string, unknown> };
    expect(review.default).toBe('draft');
    const bo = keysOf(JSON.parse(await fs.readFile(path.join(dir, 'bo', 'bot.json'), 'utf8')));
    for (const key of Object.keys(review.verified)) expect(bo).toContain(key.replace(/^bot:/, ''));
  });

  it('detects Tibetan script', () => {
    expect(Localizer.detect('ང་ལ་སྨན་བཅོས་འགན་བཅོལ་དགོས')).toBe('bo');
    expect(Localizer.detect('我要报销 ཁ་པར')).toBe('bo');
    expect(Localizer.detect('我要报销')).toBeUndefined();
  });
});
