import { describe, expect, it } from 'vitest';
import { paginate, renderReply } from '../../bot/wechat/wechatReply.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const HINT = '（回复“更多”）';

describe('renderReply', () => {
  it('joins messages with blank lines and numbers the last message’s suggested actions', () => {
    const r = renderReply([
      { type: 'message', text: '您好' },
      {
        type: 'message',
        text: '选一类：',
        suggestedActions: {
          to: [],
          actions: [
            { type: 'imBack', title: '参保登记', value: 'q1' },
            { type: 'imBack', title: '费用报销', value: 'q2' },
          ],
        },
      },
    ]);
    expect(r).toEqual({ text: '您好\n\n选一类：\n1. 参保登记\n2. 费用报销', actions: ['q1', 'q2'] });
  });

  it('lists earlier suggested actions without numbers, so they never clash with a prompt that follows', () => {
    const r = renderReply([
      { type: 'message', text: '帮助', suggestedActions: { to: [], actions: [{ type: 'imBack', title: '参保登记', value: 'q1' }] } },
      { type: 'message', text: '请选择：\n\n   1. 新办备案' },
    ]);
    expect(r.text).toBe('帮助\n· 参保登记\n\n请选择：\n\n   1. 新办备案');
    expect(r.actions).toEqual([]);
  });

  it('uses a checklist’s plain text instead of its card and skips messages with nothing to show', () => {
    const r = renderReply([
      { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: {} }], channelData: { plainText: '清单' } },
      { type: 'message', attachments: [{ contentType: 'image/png', contentUrl: 'x' }] },
    ]);
    expect(r.text).toBe('清单');
  });
});

describe('paginate', () => {
  it('leaves a reply that fits alone', () => {
    expect(paginate('短', 2048, HINT)).toEqual(['短']);
  });

  it('splits on line boundaries, every page within the limit, the hint on all but the last', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `第${i}行 材料`);
    const pages = paginate(lines.join('\n'), 600, HINT);
    expect(pages.length).toBeGreaterThan(3);
    pages.forEach((p, i) => {
      expect(bytes(p)).toBeLessThanOrEqual(600);
      expect(p.endsWith(HINT)).toBe(i < pages.length - 1);
    });
    const back = pages.map((p) => (p.endsWith(HINT) ? p.slice(0, -HINT.length - 1) : p));
    expect(back.join('\n').split('\n')).toEqual(lines);
  });

  it('cuts a single line longer than a page between characters, never inside one', () => {
    const line = '藏'.repeat(1000) + '😀'.repeat(100);
    const pages = paginate(line, 500, HINT);
    for (const p of pages) expect(bytes(p)).toBeLessThanOrEqual(500);
    expect(pages.map((p) => (p.endsWith(HINT) ? p.slice(0, -HINT.length - 1) : p)).join('')).toBe(line);
  });

  it('lets the last page use the room the hint would have taken', () => {
    const hint = 'h'.repeat(100);
    // 250 + 1 + 1 + 1 + 250 bytes: too much for one page with a hint, fits one page without.
    const text = `${'a'.repeat(250)}\n\n${'b'.repeat(250)}`;
    expect(paginate(text, 510, hint)).toEqual([text]);
  });
});
