import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logging/logger.js';
import { requestLog } from '../../bot/server/requestLog.js';

function run(level: string): { lines: string[]; res: EventEmitter & { statusCode: number } } {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const res = Object.assign(new EventEmitter(), { statusCode: 404 });
  let nexts = 0;
  const req = { method: 'GET', originalUrl: '/api/search?q=13912342345', ip: '127.0.0.1' } as Request;
  requestLog(createLogger(level, sink))(req, res as unknown as Response, () => nexts++);
  expect(nexts).toBe(1);
  res.emit('finish');
  return { lines, res };
}

describe('requestLog', () => {
  it('costs nothing when its levels are off: no listener on the response', () => {
    const { lines, res } = run('warn');
    expect(res.listenerCount('finish')).toBe(0);
    expect(lines).toEqual([]);
  });

  it('at info writes a client error with the query masked', () => {
    const { lines, res } = run('info');
    expect(res.listenerCount('finish')).toBe(1);
    expect(lines.join('')).toContain('139****2345');
    expect(lines.join('')).not.toContain('13912342345');
  });
});
