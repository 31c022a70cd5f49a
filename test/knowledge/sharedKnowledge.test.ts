import { describe, expect, it } from 'vitest';
import type { Matter } from '../../bot/knowledge/schema.js';
import { knowledge, understandingPipeline } from '../support/services.js';

/** The unit files share one knowledge and one pipeline per process (vitest.config.ts): what guards that. */
describe('the knowledge the tests share', () => {
  it('is frozen all the way down, so a test cannot change it for the files after it', async () => {
    const kb = await knowledge();
    const matter = kb.matters[0]!;
    expect(() => (kb.matters as Matter[]).push(matter)).toThrow(TypeError);
    expect(() => Object.assign(matter, { title: '改过的标题' })).toThrow(TypeError);
    expect(() => (matter.keywords as string[]).splice(0, 1)).toThrow(TypeError);
    expect(() => Object.assign(kb.offices[0]!, { phoneText: '0891-0000000' })).toThrow(TypeError);
    expect(kb.matters[0]!.title).toBe(matter.title);
  });

  it('is the same object every time it is asked for, and so is the pipeline built on it', async () => {
    expect(await knowledge()).toBe(await knowledge());
    expect(await understandingPipeline()).toBe(await understandingPipeline());
  });
});
