import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Already compressed formats gain nothing from another pass. */
const INCOMPRESSIBLE = new Set(['.woff2', '.woff', '.png']);

export interface CompressedFile {
  type: string;
  etag: string;
  identity: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

/**
 * Files compressed once (brotli and gzip, in libuv's thread pool) and kept in
 * memory: the 3.9 MB Web Chat bundle then costs one compression per process,
 * not one per visitor, and brotli saves a quarter over gzip on slow mobile links.
 */
export class CompressedFiles {
  private readonly cache = new Map<string, Promise<CompressedFile>>();

  /** The file at `file` (absolute), compressed; `transform` rewrites text before (HTML templating). */
  get(file: string, transform?: (text: string) => string): Promise<CompressedFile> {
    let entry = this.cache.get(file);
    if (!entry) {
      entry = load(file, transform);
      // A failed read (missing file) is not cached, so a later deploy of the file is seen.
      entry.catch(() => this.cache.delete(file));
      this.cache.set(file, entry);
    }
    return entry;
  }

  /** Sends `file` with the best encoding the client accepts; 304 when its ETag matches. */
  static send(req: Request, res: Response, file: CompressedFile, cacheControl: string): void {
    res.set({ 'Content-Type': file.type, 'Cache-Control': cacheControl, ETag: file.etag, Vary: 'Accept-Encoding' });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    // Brotli whenever accepted: browsers list gzip first, but brotli is a quarter smaller here.
    let body = file.identity;
    if (file.br && req.acceptsEncodings('br') === 'br') {
      body = file.br;
      res.set('Content-Encoding', 'br');
    } else if (file.gzip && req.acceptsEncodings('gzip') === 'gzip') {
      body = file.gzip;
      res.set('Content-Encoding', 'gzip');
    }
    res.set('Content-Length', String(body.length));
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

async function load(file: string, transform?: (text: string) => string): Promise<CompressedFile> {
  const ext = path.extname(file);
  let identity = await fs.readFile(file);
  if (transform) identity = Buffer.from(transform(identity.toString('utf8')), 'utf8');
  const etag = `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`;
  const type = CONTENT_TYPES[ext] ?? 'application/octet-stream';
  if (INCOMPRESSIBLE.has(ext)) return { type, etag, identity };
  const [gz, br] = await Promise.all([
    gzip(identity, { level: 9 }),
    brotli(identity, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      },
    }),
  ]);
  // An encoding that does not shrink the file is not offered.
  const smaller = (b: Buffer): Buffer | undefined => (b.length < identity.length ? b : undefined);
  return { type, etag, identity, gzip: smaller(gz), br: smaller(br) };
}
