import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DirectLineTestClient, messageKeys } from '../support/liveService.js';
import { KIOSK, PHONE, STAFF_TOKEN, openPage, screenshotAndCheck, tibetanFontLoaded, type PageProblems, useWebApp } from './browserHarness.js';

/** The phone-center agent console on /agent, keyboard only, in real Chromium. */
const web = useWebApp();
let context: BrowserContext;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  ({ context, page, problems } = await openPage(web.browser, { width: 1280, height: 900 }));
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.app.base });
});

async function search(text: string): Promise<void> {
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Escape');
  await page.keyboard.type(text);
  await expect.poll(() => page.evaluate(() => document.body.dataset.searched), { timeout: 10_000 }).toBe(text);
}

describe('the agent console', () => {
  it('requires the staff sign-in and refuses a wrong token', async () => {
    await page.goto(`${web.app.base}/agent`);
    expect(new URL(page.url()).pathname).toBe('/agent/signin');
    await screenshotAndCheck(page, 'agent-signin-zh-1280');
    const zh = (await (await fetch(`${web.app.base}/locales/zh-CN/web.json`)).json()) as { signin: { wrong: string } };
    await page.fill('#token', 'not-the-staff-token');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#signin-error').textContent()).toBe(zh.signin.wrong);
    expect(new URL(page.url()).pathname).toBe('/agent/signin');
    await page.fill('#token', STAFF_TOKEN);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${web.app.base}/agent`);
    await page.waitForSelector('body[data-ready="true"]');
  });

  it('finds a matter as one types, opens it with the keyboard and shows its materials with their conditions in words', async () => {
    // A matter whose materials depend on answers, found by typing its title.
    const matter = web.app.service.knowledge.matters.find(
      (m) => m.materials.some((x) => x.when) && web.app.service.understanding.understand(m.title).matches[0]?.matter.no === m.no,
    )!;
    await search(matter.title);
    await expect.poll(() => page.locator('#matter-list li').first().getAttribute('data-no')).toBe(String(matter.no));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#detail').getAttribute('data-no')).toBe(String(matter.no));
    const detail = (await page.locator('#detail').textContent())!;
    expect(detail).toContain(matter.title);
    expect(detail).toContain(matter.timeLimit.text);
    expect(detail).toContain(matter.unit.text);
    for (const item of matter.legalBasis.items) expect(detail).toContain(item);
    for (const m of matter.materials) expect(detail).toContain(m.name);
    // A conditional material names the server's short tags of its options, never the whole citizen question.
    const conditional = matter.materials.find((m) => m.when)!;
    const [questionId, optionIds] = Object.entries(conditional.when!)[0]!;
    const question = matter.questions.find((q) => q.id === questionId)!;
    const view = (await (await fetch(`${web.app.base}/api/matters/${matter.no}?lang=zh-CN`)).json()) as {
      questions: { id: string; options: { id: string; tag: string }[] }[];
    };
    const when = (await page.locator(`[data-material="${conditional.id}"] .when`).textContent())!;
    expect(when).not.toContain(question.text);
    for (const id of optionIds) expect(when).toContain(view.questions.find((q) => q.id === questionId)!.options.find((o) => o.id === id)!.tag);

    // Arrow keys move through the results.
    const count = await page.locator('#matter-list li').count();
    if (count > 1) {
      await page.keyboard.press('ArrowDown');
      expect(await page.locator('#matter-list li').nth(1).getAttribute('aria-selected')).toBe('true');
      await page.keyboard.press('ArrowUp');
    }
    // Copy the whole materials list.
    await page.locator('.copy-materials').click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    for (const m of matter.materials) expect(copied).toContain(m.name);
    await screenshotAndCheck(page, 'agent-zh-1280-matter');
    expect(problems.csp).toEqual([]);
  });

  it("住院费用报销 with the chips 急诊 and 委托他人代办: the console's list is the chat's checklist for the same answers", async () => {
    // The chat, over Direct Line on the same server: 住院费用报销, 急诊 (option 3), 委托他人代办, 江孜.
    const dl = new DirectLineTestClient(web.app.base);
    const conv = await dl.open();
    let replies = await dl.say(conv, '住院费用报销');
    for (const answer of ['3', '委托他人代办', '江孜县']) if (!messageKeys(replies).includes('checklist')) replies = await dl.say(conv, answer);
    const chat = replies.find((a) => a.channelData?.messageKey === 'checklist')!.channelData.checklist as { materials: { text: string; form?: string }[] };

    await search('住院费用报销');
    await expect.poll(() => page.locator('#matter-list li').first().getAttribute('data-no')).toBe('19');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#detail').getAttribute('data-no')).toBe('19');
    const listed = () => page.locator('.checklist-materials li').allTextContents();
    const before = await listed();
    for (const [question, option] of [
      ['circumstances', 'emergency'],
      ['delegate', 'agent'],
    ]) {
      const chip = page.locator(`.chip[data-question="${question}"][data-option="${option}"]`);
      await chip.click();
      await expect.poll(() => chip.getAttribute('aria-pressed')).toBe('true');
    }
    const expected = chat.materials.map((m) => `${m.text}${m.form ? `（${m.form}）` : ''}`);
    await expect.poll(listed).toEqual(expected);
    expect(expected).toEqual(expect.arrayContaining(['委托人授权委托书']));
    expect(before).not.toContain('委托人授权委托书');
    // The chips are the short tags, not the questions.
    expect(await page.locator('.chip[data-option="emergency"]').textContent()).toBe('急诊');
    await screenshotAndCheck(page, 'agent-zh-1280-checklist');
    expect(problems.csp).toEqual([]);
  });

  it('shows the right office phone for a county typed in any form, with a copy button', async () => {
    const gyantse = web.app.service.knowledge.offices.find((o) => o.division.startsWith('江孜'))!;
    const tibetan = gyantse.tibetan[0]?.script;
    for (const typed of ['江孜', '日喀则江孜县', ...(tibetan ? [tibetan] : [])]) {
      await search(typed);
      await expect.poll(() => page.locator('#office-list li').first().getAttribute('data-office'), { message: typed }).toBe(gyantse.name);
      expect(await page.locator('#office-list li').first().textContent()).toContain(gyantse.phones[0]);
    }
    await page.locator('#office-list li').first().locator('button.copy').first().click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(gyantse.phones[0]);
    await screenshotAndCheck(page, 'agent-zh-1280-office');
  });

  it('works in Tibetan and fits a phone and a portrait screen', async () => {
    const bo = (await (await fetch(`${web.app.base}/locales/bo/web.json`)).json()) as { agent: { title: string; searchLabel: string } };
    await page.locator('.lang-switch [data-lang="bo"]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(bo.agent.title);
    expect(await page.locator('label[for="q"]').textContent()).toBe(bo.agent.searchLabel);
    await search('江孜 异地就医备案');
    // Results and the office in Tibetan, the Chinese beside them (from the knowledge's bo fields).
    const kb = web.app.service.knowledge;
    const firstNo = Number(await page.locator('#matter-list li').first().getAttribute('data-no'));
    expect(await page.locator('#matter-list li .title').first().textContent()).toBe(kb.matter(firstNo)!.bo!.title.text + kb.matter(firstNo)!.title);
    const gyantse = kb.offices.find((o) => o.division.startsWith('江孜'))!;
    await expect
      .poll(() => page.locator('#office-list li .office-name').first().textContent())
      .toBe(gyantse.tibetan[0]!.script.replace(/།$/u, '') + gyantse.name);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail[data-no]');
    // Legal citations stay Chinese, and say so.
    expect(await page.locator('#detail .chinese-original').textContent()).toBe(web.app.service.localizer.t('bo', 'web:agent.chineseOriginal'));
    expect(await tibetanFontLoaded(page)).toBe(true);
    for (const [size, name] of [
      [PHONE, 'agent-bo-360'],
      [KIOSK, 'agent-bo-1080'],
    ] as const) {
      await page.setViewportSize(size);
      await screenshotAndCheck(page, name);
    }
    await page.locator('.lang-switch [data-lang="zh-CN"]').click();
    for (const [size, name] of [
      [PHONE, 'agent-zh-360'],
      [KIOSK, 'agent-zh-1080'],
    ] as const) {
      await page.setViewportSize(size);
      await screenshotAndCheck(page, name);
    }
    expect(problems.csp).toEqual([]);
    expect(problems.errors.filter((e) => !e.includes('401'))).toEqual([]);
  });

  it('signs out', async () => {
    await page.locator('#sign-out').click();
    await page.waitForURL(/\/agent\/signin/);
    await page.goto(`${web.app.base}/agent`);
    expect(new URL(page.url()).pathname).toBe('/agent/signin');
  });
});
