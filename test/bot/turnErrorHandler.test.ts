import { Writable } from 'node:stream';
import { MemoryStorage, TestAdapter, UserState } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { ChecklistBuilder } from '../../bot/answers/checklistBuilder.js';
import { ChecklistRenderer } from '../../bot/answers/checklistRenderer.js';
import { createLogger } from '../../bot/logging/logger.js';
import { createTurnErrorHandler } from '../../bot/turnErrorHandler.js';
import { DialogServices } from '../../dialogs/dialogServices.js';
import type { UserProfile } from '../../dialogs/userProfile.js';
import { localizer } from '../support/botHarness.js';
import { knowledge, understandingPipeline } from '../support/services.js';

describe('onTurnError', () => {
  it.each(['zh-CN', 'bo'] as const)('logs with an error id and apologises in %s with the region phone', async (lang) => {
    const kb = await knowledge();
    const u = await understandingPipeline();
    const l10n = await localizer();
    const userState = new UserState(new MemoryStorage());
    const profile = userState.createProperty<UserProfile>('profile');
    const services = new DialogServices(kb, u, l10n, new ChecklistBuilder(kb, kb.directory), new ChecklistRenderer(l10n), profile);
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    let cleared = 0;
    const adapter = new TestAdapter(async (context) => {
      await profile.set(context, { lang });
      throw new Error('boom');
    });
    adapter.onTurnError = createTurnErrorHandler(createLogger('info', sink), services, async () => {
      cleared++;
    });
    await adapter.send('hello').assertReply((reply) => {
      const logged = JSON.parse(lines[0]!) as { errorId: string; msg: string; err: { message: string } };
      expect(logged.msg).toBe('turn failed');
      expect(logged.err.message).toBe('boom');
      const region = kb.directory.region();
      // The region as the person reads it: its Tibetan name in Tibetan.
      const name = lang === 'bo' ? region.tibetan[0]!.script.replace(/[\u0F0D-\u0F12\s]+$/u, '') : region.name;
      const phones = region.phones.join(l10n.t(lang, 'phoneSeparator'));
      expect(reply.text).toBe(l10n.t(lang, 'turnError', { id: logged.errorId, name, phones }));
    });
    expect(cleared).toBe(1);
  });

  it("still apologises, in the client's locale, when the person's state is what cannot be read (issue 11, defect 7)", async () => {
    const kb = await knowledge();
    const u = await understandingPipeline();
    const l10n = await localizer();
    const userState = new UserState(new MemoryStorage());
    const profile = userState.createProperty<UserProfile>('profile');
    // the profile read fails the way a corrupt state file does, every time
    profile.get = async () => {
      throw new Error('state file is corrupt');
    };
    const services = new DialogServices(kb, u, l10n, new ChecklistBuilder(kb, kb.directory), new ChecklistRenderer(l10n), profile);
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const adapter = new TestAdapter(async () => {
      throw new Error('boom');
    });
    adapter.onTurnError = createTurnErrorHandler(createLogger('info', sink), services, async () => {});
    await adapter.send({ type: 'message', text: 'hello', locale: 'bo' }).assertReply((reply) => {
      expect(reply.channelData).toEqual({ messageKey: 'turnError' });
      const errorId = (JSON.parse(lines[0]!) as { errorId: string }).errorId;
      expect(reply.text).toContain(errorId);
      expect(reply.text).toMatch(/[\u0F40-\u0FBC]/u);
    });
    expect(lines.some((l) => l.includes('could not apologise'))).toBe(false);
  });
});
