import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService } from '../../bot/index.js';
import { createLogger } from '../../bot/logging/logger.js';
import jsEWTS from 'jsewts';
import { knowledge } from '../support/services.js';

let server: Server;
let base: string;

beforeAll(async () => {
  const service = await buildService({ NODE_ENV: 'test' }, createLogger('silent'));
  server = service.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  return { status: res.status, body: await res.json() };
}

describe('HTTP API', () => {
  it('GET /healthz', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('GET /api/search finds a matter', async () => {
    const { status, body } = await get(`/api/search?q=${encodeURIComponent('退休了去外地养老，医保要备案吗')}&lang=zh`);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['matches', 'outcome', 'query']);
    expect(body.query).toBe('退休了去外地养老，医保要备案吗');
    expect(body.outcome).toBe('match');
    expect(body.matches[0]).toMatchObject({ no: 12, code: '002036004001', title: '异地安置退休人员备案' });
    for (const m of body.matches) expect(Object.keys(m).sort()).toEqual(['code', 'no', 'score', 'title']);
  });

  it('GET /api/search says ambiguous and none', async () => {
    expect((await get(`/api/search?q=${encodeURIComponent('异地就医备案')}`)).body.outcome).toBe('ambiguous');
    const none = await get(`/api/search?q=${encodeURIComponent('公积金怎么取')}`);
    expect(none.body).toMatchObject({ outcome: 'none', matches: [] });
  });

  it('GET /api/offices resolves a county in free text', async () => {
    const { status, body } = await get(`/api/offices?q=${encodeURIComponent('我户口在日喀则江孜')}`);
    expect(status).toBe(200);
    expect(body.outcome).toBe('match');
    expect(body.matches[0]).toEqual({ name: '江孜县', phone: '0892-8178480', phones: ['0892-8178480'], level: 'county', prefecture: '日喀则市' });
  });

  it('GET /api/search?lang=bo finds a matter by its Tibetan title and answers with Tibetan titles', async () => {
    const matter = (await knowledge()).matters.find((m) => m.bo !== undefined);
    expect(matter, 'no matter has Tibetan yet').toBeDefined();
    const { status, body } = await get(`/api/search?q=${encodeURIComponent(matter!.bo!.title.text)}&lang=bo`);
    expect(status).toBe(200);
    expect(body.outcome).toBe('match');
    expect(body.matches[0]).toMatchObject({ no: matter!.no, title: matter!.bo!.title.text, titleZh: matter!.title });
    for (const m of body.matches) expect(Object.keys(m).sort()).toEqual(['code', 'no', 'score', 'title', 'titleZh']);
  });

  it('GET /api/search?lang=bo reads Wylie, and a Tibetan–Chinese message without lang', async () => {
    const matter = (await knowledge()).matters.find((m) => m.no === 19)!;
    const wylie = jsEWTS.toWylie(matter.bo!.title.text);
    const { body } = await get(`/api/search?q=${encodeURIComponent(wylie)}&lang=bo`);
    expect(body.matches[0]?.no).toBe(19);
    const mixed = await get(`/api/search?q=${encodeURIComponent(`${matter.bo!.title.text} 怎么办`)}`);
    expect(mixed.body.matches[0]).toMatchObject({ no: 19, title: matter.title });
  });

  it('GET /api/offices finds an office by its Tibetan name, with a particle fused to it', async () => {
    const office = (await knowledge()).offices.find((o) => o.name === '江孜县')!;
    const name = office.tibetan[0]!.script.replace(/[་།]+$/u, '');
    const { status, body } = await get(`/api/offices?q=${encodeURIComponent(`ངའི་ཐེམ་ཐོ་${name}འི་ནང་ཡོད།`)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ outcome: 'match', matches: [{ name: '江孜县' }] });
    expect(body.matches[0].nameBo).toBeUndefined();
    // lang=bo adds the office's Tibetan name and its review status beside the Chinese label.
    const bo = await get(`/api/offices?q=${encodeURIComponent(name)}&lang=bo`);
    expect(bo.body.matches[0]).toMatchObject({ name: '江孜县', nameBo: name, nameBoStatus: office.tibetan[0]!.status });
  });

  it('GET /api/matters/:no returns the stored matter', async () => {
    const { status, body } = await get('/api/matters/12');
    expect(status).toBe(200);
    expect(body.no).toBe(12);
    expect(body.unit.levels).toEqual(['region']);
    expect(body.materials.length).toBeGreaterThan(0);
  });

  it.each([
    ['/api/search', 400, /missing query parameter "q"/],
    ['/api/search?q=', 400, /"q" is empty/],
    ['/api/search?q=%20%20', 400, /"q" is empty/],
    [`/api/search?q=${'医'.repeat(501)}`, 400, /too long \(501 characters, at most 500\)/],
    ['/api/search?q=a&q=b', 400, /given once/],
    ['/api/search?q=报销&lang=fr', 400, /"lang" must be one of: zh, bo/],
    ['/api/offices?q=江孜&lang=en', 400, /"lang" must be one of: zh, bo/],
    ['/api/offices', 400, /missing query parameter "q"/],
    [`/api/offices?q=${'江'.repeat(600)}`, 400, /too long/],
    ['/api/matters/abc', 400, /whole number/],
    ['/api/matters/-1', 400, /whole number/],
    ['/api/matters/1.5', 400, /whole number/],
    ['/api/matters/99', 404, /no matter number 99/],
    ['/api/nothing', 404, /no such endpoint/],
  ])('GET %s → %i with a clear message', async (path, status, message) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
  });

  it('stays up after bad input', async () => {
    await fetch(`${base}/api/search?q=%E0%A4%A`);
    await fetch(`${base}/api/matters/${'9'.repeat(5000)}`);
    expect((await get('/healthz')).status).toBe(200);
  });
});
