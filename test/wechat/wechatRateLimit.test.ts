import { afterEach, describe, expect, it } from 'vitest';
import { startService, type Running } from './wechatSimulator.js';

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('/wechat rate limits', () => {
  it("count each WeChat user after the signature is verified, so forged requests naming a user do not spend that user's budget", async () => {
    running = await startService({ safeMode: false, env: { RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: '1' } });
    const wx = running.wechat;
    const forger = { headers: { 'x-forwarded-for': '203.0.113.66' } };
    const tencent = { headers: { 'x-forwarded-for': '198.51.100.10' } };
    // A forger floods with the victim's openid: refused for the signature, then throttled per address.
    const forged = [];
    for (let i = 0; i < 4; i++) forged.push((await wx.send(wx.text('victim', '帮助'), { forgeSignature: true, ...forger })).status);
    expect(forged).toEqual([401, 401, 401, 429]);

    // The victim's own, correctly signed messages still get their whole budget (WeChat's servers are not throttled by the forger's refusals).
    const real = [];
    for (let i = 0; i < 4; i++) real.push((await wx.send(wx.text('victim', '帮助'), tencent)).status);
    expect(real).toEqual([200, 200, 200, 429]);
    // Another user is counted apart.
    expect((await wx.send(wx.text('someoneElse', '帮助'), tencent)).status).toBe(200);
    // Until the window ends, the forger's address is refused outright.
    expect((await wx.send(wx.text('someoneElse', '帮助'), forger)).status).toBe(429);
  });

  it('counts only refusals at the door: a burst of good messages from one WeChat server address, all in flight at once, is never refused', async () => {
    running = await startService({ safeMode: false, env: { RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: '1' } });
    const wx = running.wechat;
    const tencent = { headers: { 'x-forwarded-for': '198.51.100.20' } };
    // Eight users' messages, more than the per-address budget of refusals, reach the door together.
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => wx.send(wx.text(`user${i}`, '帮助'), tencent)));
    expect(burst.map((r) => r.status)).toEqual(Array(8).fill(200));
    // Refusals from that address still count: three forged ones, then the door is shut for it.
    const forged = [];
    for (let i = 0; i < 4; i++) forged.push((await wx.send(wx.text('user0', '帮助'), { forgeSignature: true, ...tencent })).status);
    expect(forged).toEqual([401, 401, 401, 429]);
  });
});
