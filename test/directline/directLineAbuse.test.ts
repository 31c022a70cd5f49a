import { afterEach, describe, expect, it } from 'vitest';
import { DirectLineTestClient, startLiveService, type DlConversation, type LiveService } from '../support/liveService.js';

/**
 * Issue 11, defects 2 and 3, reproduced over real HTTP against the real server on 127.0.0.1,
 * with budgets made small through the environment so each attack is cheap and bounded.
 */

let live: LiveService | undefined;
afterEach(async () => {
  await live?.close();
  live = undefined;
});

const KB = 1024;

async function poll(base: string, conv: DlConversation, watermark = ''): Promise<Response> {
  return fetch(`${base}/v3/directline/conversations/${conv.id}/activities?watermark=${watermark}`, { headers: { authorization: `Bearer ${conv.token}` } });
}

/** Every activity the server still holds for the conversation, paging from the start, and their bytes as served. */
async function wholeLog(base: string, conv: DlConversation): Promise<{ activities: Array<Record<string, any>>; bytes: number }> {
  const activities: Array<Record<string, any>> = [];
  let watermark = '';
  let bytes = 0;
  for (let page = 0; page < 10; page++) {
    const res = await poll(base, conv, watermark);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { activities: Array<Record<string, any>>; watermark: string };
    for (const a of body.activities) bytes += Buffer.byteLength(JSON.stringify(a));
    activities.push(...body.activities);
    if (body.activities.length === 0) break;
    watermark = body.watermark;
  }
  return { activities, bytes };
}

async function expectThrottled(res: Response, code: string): Promise<void> {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
}

describe('defect 2: filling memory through Direct Line', () => {
  it("keeps of a client activity's channelData only what Web Chat sends: 60 kB of it is dropped, not stored", async () => {
    live = await startLiveService({}, 'silent');
    const client = new DirectLineTestClient(live.base);
    const conv = await client.open();
    const res = await client.post(conv, { text: '你好', channelData: { clientActivityID: 'c-1', junk: 'x'.repeat(60 * KB) } });
    expect(res.status).toBe(200);
    const echo = (await wholeLog(live.base, conv)).activities.find((a) => a.from?.role === 'user');
    expect(echo?.channelData).toEqual({ clientActivityID: 'c-1' });
  });

  it('60 kB posts across many conversations stay within the per-conversation and total byte budgets; a small live conversation keeps its whole history', async () => {
    live = await startLiveService({ DIRECTLINE_CONVERSATION_MAX_KB: '128', DIRECTLINE_TOTAL_MAX_MB: '0.5' }, 'silent');
    const client = new DirectLineTestClient(live.base);
    const victim = await client.open();
    await client.say(victim, '你好');
    const before = await wholeLog(live.base, victim);

    // 8 conversations × 6 posts × 60 kB: 2.9 MB sent, nearly six times the total budget.
    const attackers = await Promise.all(Array.from({ length: 8 }, () => client.open()));
    for (let round = 0; round < 6; round++) {
      const answers = await Promise.all(attackers.map((conv) => client.post(conv, { type: 'event', name: 'junk', value: 'x'.repeat(60 * KB) })));
      expect(answers.map((r) => r.status)).toEqual(attackers.map(() => 200));
    }

    let total = 0;
    for (const conv of attackers) {
      const { bytes } = await wholeLog(live.base, conv);
      expect(bytes).toBeLessThanOrEqual(128 * KB);
      total += bytes;
    }
    const after = await wholeLog(live.base, victim);
    total += after.bytes;
    expect(total).toBeLessThanOrEqual(512 * KB);
    // The largest logs paid for the total; the victim lost nothing and still talks.
    expect(after.activities.map((a) => a.id)).toEqual(before.activities.map((a) => a.id));
    expect((await client.say(victim, '帮助')).length).toBeGreaterThan(0);
  });

  it("refuses an activity bigger than a whole conversation's budget with 413 MessageSizeTooBig", async () => {
    live = await startLiveService({ DIRECTLINE_CONVERSATION_MAX_KB: '16', DIRECTLINE_TOTAL_MAX_MB: '1' }, 'silent');
    const client = new DirectLineTestClient(live.base);
    const conv = await client.open();
    const res = await client.post(conv, { type: 'event', name: 'junk', value: 'x'.repeat(20 * KB) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MessageSizeTooBig');
    expect((await client.say(conv, '你好')).length).toBeGreaterThan(0);
  });

  it('limits polls per conversation (429 Throttled with Retry-After); another conversation, and a poll without the token, spend nothing of it', async () => {
    live = await startLiveService({ DIRECTLINE_POLLS_PER_SECOND: '5', RATE_LIMIT_PER_MINUTE: '100000' }, 'silent');
    const client = new DirectLineTestClient(live.base);
    const [flooder, other] = [await client.open(), await client.open()];
    // open() polled each once; a burst of 9 more is within the 2-second allowance of 10.
    const statuses: number[] = [];
    for (let i = 0; i < 40 && !statuses.includes(429); i++) {
      const res = await poll(live.base, flooder);
      statuses.push(res.status);
      if (res.status === 429) await expectThrottled(res, 'Throttled');
      else await res.arrayBuffer();
    }
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(200));
    expect(statuses).toContain(429);

    // Someone without the token cannot spend the other conversation's budget.
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${live.base}/v3/directline/conversations/${other.id}/activities`, { headers: { authorization: 'Bearer forged' } });
      expect(res.status).toBe(401);
    }
    expect((await poll(live.base, other)).status).toBe(200);
  });
});

describe('defect 3: evicting live conversations by opening many', () => {
  it('refuses new conversations with 429 and Retry-After at the limit instead of dropping a live one', async () => {
    live = await startLiveService({ DIRECTLINE_MAX_CONVERSATIONS: '12' }, 'silent');
    const client = new DirectLineTestClient(live.base);
    const victim = await client.open();
    await client.say(victim, '你好');

    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await fetch(`${live.base}/v3/directline/conversations`, { method: 'POST' });
      statuses.push(res.status);
      if (res.status === 429) await expectThrottled(res, 'Throttled');
      else await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(11);
    expect(statuses.slice(11)).toEqual(Array(19).fill(429));
    // Every way of opening one says so: Direct Line's token endpoint and the pages' token endpoint.
    await expectThrottled(await fetch(`${live.base}/v3/directline/tokens/generate`, { method: 'POST' }), 'Throttled');
    await expectThrottled(await fetch(`${live.base}/api/directline/token`, { method: 'POST' }), 'too_many_requests');

    // The live conversation was not dropped.
    expect((await poll(live.base, victim, victim.watermark)).status).toBe(200);
    expect((await client.say(victim, '帮助')).length).toBeGreaterThan(0);
  });

  it('idle conversations expire by time, and then new ones are opened again', async () => {
    live = await startLiveService({ DIRECTLINE_MAX_CONVERSATIONS: '3', DIRECTLINE_IDLE_MINUTES: '0.02' }, 'silent'); // 1.2 s
    const open = () => fetch(`${live!.base}/v3/directline/conversations`, { method: 'POST' });
    for (let i = 0; i < 3; i++) expect((await open()).status).toBe(201);
    await expectThrottled(await open(), 'Throttled');
    await expect.poll(async () => (await open()).status, { timeout: 10_000, interval: 250 }).toBe(201);
  });
});
