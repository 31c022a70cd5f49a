import { describe, expect, it } from 'vitest';
import { ReplayGuard } from '../../bot/wechat/replayGuard.js';

describe('ReplayGuard', () => {
  it('runs a key once and replays its answer until the entry expires', async () => {
    let now = 0;
    let runs = 0;
    const guard = new ReplayGuard<string>(1000, 100, () => now);
    const task = async () => `answer ${++runs}`;
    expect(await guard.run('k', task)).toEqual({ value: 'answer 1', repeated: false });
    now = 999;
    expect(await guard.run('k', task)).toEqual({ value: 'answer 1', repeated: true });
    now = 1000;
    expect(await guard.run('k', task)).toEqual({ value: 'answer 2', repeated: false });
    expect(runs).toBe(2);
  });

  it('lets a retry run again when the first attempt failed', async () => {
    const guard = new ReplayGuard<string>(60_000);
    await expect(guard.run('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await guard.run('k', async () => 'ok')).toEqual({ value: 'ok', repeated: false });
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const guard = new ReplayGuard<number>(60_000, 3);
    for (let i = 0; i < 5; i++) await guard.run(`k${i}`, async () => i);
    expect(guard.size).toBe(3);
    expect((await guard.run('k0', async () => 99)).repeated).toBe(false);
    expect((await guard.run('k4', async () => 99)).value).toBe(4);
  });
});
