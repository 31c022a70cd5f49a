import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient, messageKeys, startLiveService, type LiveService } from '../support/liveService.js';

/**
 * GET /api/matters/:no?lang=…&<question>=<option>: the agent console's view of a matter, over real
 * HTTP on the real service. Its checklist must be the one the chat gives for the same answers.
 */
let live: LiveService;
beforeAll(async () => {
  live = await startLiveService({}, 'silent');
});
afterAll(() => live.close());

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(live.base + path);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  return { status: res.status, body: await res.json() };
}

/** Talks to the chat over Direct Line, answering each prompt with the given replies in turn, until the checklist. */
async function chatChecklist(opening: string, replies: string[], locale = 'zh-CN') {
  const dl = new DirectLineTestClient(live.base);
  const conv = await dl.open();
  let got = await dl.say(conv, { text: opening, locale });
  for (const reply of replies) {
    if (messageKeys(got).includes('checklist')) break;
    got = await dl.say(conv, { text: reply, locale });
  }
  return got.find((a) => a.channelData?.messageKey === 'checklist')?.channelData;
}

describe('GET /api/matters/:no?lang= (the agent console reads the server)', () => {
  it('住院费用报销, 急诊, 委托: the same checklist, plain text and QR text the chat sends, with the 委托 materials', async () => {
    const chat = await chatChecklist('住院费用报销', ['3', '委托他人代办', '江孜县']);
    expect(chat).toBeDefined();
    const { status, body } = await get(`/api/matters/19?lang=zh-CN&circumstances=emergency&delegate=agent&office=${encodeURIComponent('江孜县')}`);
    expect(status).toBe(200);
    expect(body.checklist).toEqual(chat.checklist);
    expect(body.plainText).toBe(chat.plainText);
    expect(body.qr).toEqual(chat.qr);
    const materials = body.checklist.materials.map((m: { text: string }) => m.text);
    expect(materials).toEqual(expect.arrayContaining(['委托人授权委托书', '委托人及代理人身份证件原件']));
  });

  it("short condition tags, never the whole citizen question; every material, general.json's too, with its tags", async () => {
    const { body } = await get('/api/matters/19?lang=zh-CN');
    const circumstances = body.questions.find((q: { id: string }) => q.id === 'circumstances');
    const tags = Object.fromEntries(circumstances.options.map((o: { id: string; tag: string }) => [o.id, o.tag]));
    expect(tags).toMatchObject({ emergency: '急诊', injury: '外伤或意外伤害住院', outsideDrugs: '外购药品' });
    const delegate = body.questions.find((q: { id: string }) => q.id === 'delegate');
    expect(delegate.options.map((o: { tag: string }) => o.tag)).toEqual(['本人办理', '委托他人代办']);
    const letter = body.materials.find((m: { text: string }) => m.text === '委托人授权委托书');
    expect(letter.tags).toEqual([['委托他人代办']]);
    for (const m of body.materials) for (const group of m.tags) for (const tag of group) expect(tag).not.toMatch(/[？?]/);
    // No answers: the list without 委托's materials, and the region office is not guessed for a county matter.
    expect(body.checklist.materials.map((m: { text: string }) => m.text)).not.toContain('委托人授权委托书');
    expect(body.checklist.office).toBeNull();
  });

  it('Tibetan: the same view in Tibetan, tags included; the chat in Tibetan gives the same checklist', async () => {
    const chat = await chatChecklist('住院费用报销', ['3', '2', 'རྒྱལ་རྩེ'], 'bo');
    const { body } = await get(`/api/matters/19?lang=bo&circumstances=emergency&delegate=agent&office=${encodeURIComponent('江孜县')}`);
    expect(body.lang).toBe('bo');
    expect(body.checklist).toEqual(chat.checklist);
    expect(body.qr).toEqual(chat.qr);
    const tags = body.questions.flatMap((q: { options: { tag: string }[] }) => q.options.map((o) => o.tag));
    expect(tags.every((t: string) => /[\u0F00-\u0FFF]/u.test(t))).toBe(true);
  });

  it('without lang, the matter exactly as stored (unchanged contract)', async () => {
    const { status, body } = await get('/api/matters/19');
    expect(status).toBe(200);
    expect(body.no).toBe(19);
    expect(body.questions[0].text).toMatch(/？/);
    expect(body.checklist).toBeUndefined();
  });

  it.each([
    ['/api/matters/19?lang=en', 'lang'],
    ['/api/matters/19?lang=zh-CN&lang=bo', 'lang'],
    ['/api/matters/19?lang=zh-CN&nosuch=1', 'nosuch'],
    ['/api/matters/19?lang=zh-CN&circumstances=flying', 'flying'],
    ['/api/matters/19?lang=zh-CN&delegate=self,agent', 'one answer'],
    ['/api/matters/19?lang=zh-CN&delegate=self&delegate=agent', 'delegate'],
    ['/api/matters/19?lang=zh-CN&delegate=', 'delegate'],
    ['/api/matters/19?lang=zh-CN&office=%E7%81%AB%E6%98%9F', 'office'],
    ['/api/matters/19?lang=zh-CN&office=', 'office'],
    ['/api/matters/19?lang=zh-CN&__proto__=emergency', '__proto__'],
    ['/api/matters/19?lang=zh-CN&constructor=x', 'constructor'],
  ])('%s is a 400 naming %s', async (path, names) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error.code).toBeTypeOf('string');
    expect(body.error.message).toContain(names);
  });

  it('an unknown matter is a 404 with lang too', async () => {
    expect((await get('/api/matters/99?lang=bo')).status).toBe(404);
  });
});
