import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logging/logger.js';
import { luhnValid, maskDeep, maskPii } from '../../bot/privacy/piiMasker.js';
import { knowledge } from '../support/services.js';

describe('maskPii', () => {
  it.each([
    ['身份证54010219900101123X', '身份证**************123X'],
    ['身份证 540102 19900101 1234 谢谢', '身份证 **************1234 谢谢'],
    ['老证540102900101123', '老证***********1123'],
    ['电话13812345678', '电话138****5678'],
    ['+86 138-1234-5678', '138****5678'],
    ['0086 13812345678。', '138****5678。'],
    ['１３８１２３４５６７８', '138****5678'],
    ['卡号6222 0212 3456 7890 128', '卡号***************0128'],
    ['卡4111111111111111和手机13812345678', '卡************1111和手机138****5678'],
  ])('%s → %s', (input, expected) => {
    expect(maskPii(input)).toBe(expected);
  });

  it('leaves dates, amounts, matter numbers and numbers failing the Luhn check alone', () => {
    for (const text of ['2024-12-31 起', '报销了12345元', '第12项', '4111111111111112', '住院3天']) expect(maskPii(text)).toBe(text);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it("masks landlines only when asked (user input), so the offices' phones in our answers survive", async () => {
    expect(maskPii('我家座机0891-6609963', { landlines: true })).toBe('我家座机0891-*******');
    expect(maskPii('我家座机(0891)6609963', { landlines: true })).toBe('我家座机0891-*******');
    const kb = await knowledge();
    // (A few offices list a mobile; only incoming text is masked, so those reach people unmasked as well.)
    const phones = kb.offices.flatMap((o) => o.phones).filter((p) => p.startsWith('0'));
    expect(phones.length).toBeGreaterThan(50);
    for (const phone of phones) expect(maskPii(`请拨打${phone}`)).toBe(`请拨打${phone}`);
  });

  it('is idempotent and masks inside nested values', () => {
    const once = maskPii('13812345678 / 540102199001011234');
    expect(maskPii(once)).toBe(once);
    const value = { a: ['13812345678', 1, null], b: { c: '540102199001011234' }, keep: 'x' };
    expect(maskDeep(value)).toEqual({ a: ['138****5678', 1, null], b: { c: '**************1234' }, keep: 'x' });
    expect(value.a[0]).toBe('13812345678');
    const clean = { a: 'nothing here' };
    expect(maskDeep(clean)).toBe(clean);
  });
});

describe('the logger', () => {
  it('masks personal numbers in messages and in logged objects', () => {
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        out += chunk.toString();
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info({ text: '手机13812345678', nested: { id: '540102199001011234' } }, 'asked with 6222021234567890128');
    expect(out).not.toMatch(/13812345678|540102199001011234|6222021234567890128/);
    expect(out).toContain('138****5678');
    expect(out).toContain('**************1234');
    expect(out).toContain('***************0128');
    out = '';
    log.child({ phone: '13812345678' }).error({ err: new Error('cannot place 540102199001011234') }, 'failed');
    expect(out).not.toMatch(/13812345678|540102199001011234/);
    expect(out).toContain('cannot place **************1234');
    expect(JSON.parse(out).err.stack).toContain('**************1234');
  });
});
