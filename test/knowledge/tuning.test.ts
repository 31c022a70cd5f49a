import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config/config.js';
import { KnowledgeError } from '../../bot/errors/knowledgeError.js';
import { KnowledgeBase } from '../../bot/knowledge/knowledgeBase.js';
import { createLogger } from '../../bot/logging/logger.js';
import { buildService } from '../../bot/index.js';
import { knowledge } from '../support/services.js';

type TuningFile = { matcher: Record<string, unknown>; chinese: Record<string, unknown>; tibetan: Record<string, unknown> };

/** a copy of the knowledge with tuning.json changed */
async function tuned(change: (t: TuningFile) => void): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kb-tuning-'));
  await fs.cp(loadConfig().knowledgeDir, dir, { recursive: true });
  const file = path.join(dir, 'tuning.json');
  const t = JSON.parse(await fs.readFile(file, 'utf8')) as TuningFile;
  change(t);
  await fs.writeFile(file, JSON.stringify(t));
  return dir;
}

describe('tuning.json', () => {
  it('holds every threshold the pipeline reads, per language', async () => {
    const { tuning } = await knowledge();
    expect(tuning.matcher.outOfScopeRatioUnmatched).toBeLessThan(tuning.matcher.outOfScopeRatio);
    expect(Object.keys(tuning.chinese).length + Object.keys(tuning.tibetan).length).toBeGreaterThan(0);
  });

  it.each([
    ['a weight above 1', (t: TuningFile) => (t.matcher.exampleWeight = 1.5), /tuning\.json matcher\.exampleWeight: /],
    ['a missing threshold', (t: TuningFile) => delete t.matcher.minScore, /tuning\.json matcher\.minScore: /],
    ['a misspelt name (it would silently fall back to the default)', (t: TuningFile) => (t.tibetan.exampleWieght = 0.3), /tuning\.json tibetan: .*exampleWieght/],
    ['a stricter rule that is not stricter', (t: TuningFile) => (t.chinese.outOfScopeRatioUnmatched = 0.05), /tuning\.json chinese\.outOfScopeRatioUnmatched: /],
    ['a ratio of 0', (t: TuningFile) => (t.matcher.outOfScopeRatio = 0), /tuning\.json matcher\.outOfScopeRatio: /],
  ])('stops loading with the file and field for %s', async (_label, change, message) => {
    const err = await KnowledgeBase.load(await tuned(change)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KnowledgeError);
    expect((err as Error).message).toMatch(message);
  });

  it('keeps the service from starting on a bad value', async () => {
    const dir = await tuned((t) => (t.matcher.ambiguityRatio = 'close'));
    await expect(buildService({ KNOWLEDGE_DIR: dir }, createLogger('silent'))).rejects.toThrow(/tuning\.json matcher\.ambiguityRatio/);
  });
});
