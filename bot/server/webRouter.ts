import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import QRCode from 'qrcode';
import { ROOT_DIR } from '../config/config.js';
import type { ConversationStore } from '../directline/conversationStore.js';
import type { TokenService } from '../directline/tokenService.js';
import { LANGS, type Lang } from '../i18n/localizer.js';
import type { KnowledgeBase } from '../knowledge/knowledgeBase.js';
import { CompressedFiles } from './compressedFiles.js';
import { sendError } from './httpErrors.js';
import type { StaffAuth } from './staffAuth.js';

/** Largest QR payload in UTF-8 bytes: about version 27 at level M, still readable by a phone off a kiosk screen. */
export const QR_MAX_BYTES = 1200;

export const WEB_DIR = path.join(ROOT_DIR, 'web');
const WEBCHAT_DIR = path.join(ROOT_DIR, 'node_modules', 'botframework-webchat');
const FONT_DIR = path.join(ROOT_DIR, 'node_modules', '@fontsource', 'noto-serif-tibetan');

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The one Tibetan font file the pages use (common.css) and the embed button loads on other sites. */
const TIBETAN_FONT_FILE = 'noto-serif-tibetan-tibetan-400-normal.woff2';
const REVALIDATE = 'no-cache';

/** The HTML pages and the file each serves. */
const PAGES = { chat: 'chat.html', kiosk: 'kiosk.html', agent: 'agent.html', signin: 'signin.html', review: 'review.html' } as const;

export interface WebDeps {
  knowledge: KnowledgeBase;
  localesDir: string;
  kioskIdleSeconds: number;
  /** to hand pages a conversation-scoped Direct Line token (never the secret) */
  directLine?: { store: ConversationStore; tokens: TokenService };
  staffAuth?: StaffAuth;
}

/** A short hash of everything a page loads, so asset URLs change whenever any of it does. */
export function assetVersion(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(name).update(readFileSync(full));
    }
  };
  walk(WEB_DIR);
  for (const dir of [WEBCHAT_DIR, FONT_DIR]) hash.update(readFileSync(path.join(dir, 'package.json')));
  return hash.digest('hex').slice(0, 12);
}

/**
 * The three front ends and their assets: HTML revalidated on every visit,
 * everything under /assets/<version>/ cached for a year (the version changes
 * with the content), all of it compressed once and kept in memory.
 */
export function createWebRouter(deps: WebDeps): Router {
  const version = assetVersion();
  const assetBase = `/assets/${version}`;
  const files = new CompressedFiles();
  const router = Router();
  const fill = (html: string): string => html.replaceAll('{{ASSET_BASE}}', assetBase);
  const webStrings = Object.fromEntries(
    LANGS.map((lang) => [lang, JSON.parse(readFileSync(path.join(deps.localesDir, lang, 'web.json'), 'utf8')) as Strings]),
  ) as Record<Lang, Strings>;
  // Pages come in each language (?lang=bo), each compressed once.
  const pageFiles = Object.fromEntries(LANGS.map((lang) => [lang, new CompressedFiles()])) as Record<Lang, CompressedFiles>;

  const page = (name: keyof typeof PAGES) => async (req: Request, res: Response) => {
    const lang: Lang = req.query.lang === 'bo' ? 'bo' : 'zh-CN';
    const file = await pageFiles[lang].get(path.join(WEB_DIR, PAGES[name]), (html) => localizePage(fill(html), lang, webStrings[lang]));
    CompressedFiles.send(req, res, file, REVALIDATE);
  };
  router.get(['/', '/chat'], page('chat'));
  router.get('/kiosk', page('kiosk'));
  router.get('/agent/signin', page('signin'));
  // Browsers ask for it unprompted; answering 204 keeps their consoles (and the CSP checks in tests) clean.
  router.get('/favicon.ico', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').status(204).end();
  });
  router.get('/agent', ...(deps.staffAuth ? [deps.staffAuth.requireStaff] : []), page('agent'));
  // The review queue (questions the bot could not place, 没帮助) and the daily summary.
  router.get('/agent/review', ...(deps.staffAuth ? [deps.staffAuth.requireStaff] : []), page('review'));

  // The embed script's URL is fixed (pasted into other sites), so it is cached an hour rather than versioned;
  // other sites load it, so it is exempt from the same-origin resource policy.
  const embedStrings = Object.fromEntries(LANGS.map((lang) => [lang, webStrings[lang].embed]));
  router.get('/embed.js', async (req, res) => {
    res.set('Cross-Origin-Resource-Policy', 'cross-origin');
    const file = await files.get(path.join(WEB_DIR, 'embed.js'), (js) =>
      js.replace('{{EMBED_STRINGS}}', JSON.stringify(embedStrings)).replace('{{TIBETAN_FONT}}', `${assetBase}/fonts/${TIBETAN_FONT_FILE}`),
    );
    CompressedFiles.send(req, res, file, 'public, max-age=3600');
  });

  router.get('/assets/:version/*file', async (req, res) => {
    const file = assetFile(req.params.version, (req.params as { file: string[] }).file, version);
    if (!file) {
      sendError(res, 404, 'not_found', `no such asset: ${req.path.slice(0, 200)}`);
      return;
    }
    let found;
    try {
      found = await files.get(file);
    } catch {
      sendError(res, 404, 'not_found', `no such asset: ${req.path.slice(0, 200)}`);
      return;
    }
    // The embed button on other sites draws its Tibetan label with our font: a cross-origin font load needs CORS.
    if (req.params.version === version && path.basename(file) === TIBETAN_FONT_FILE)
      res.set({ 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' });
    CompressedFiles.send(req, res, found, IMMUTABLE);
  });

  router.get(['/locales/:lang/web.json', '/locales/:lang/review.json'], async (req, res) => {
    const lang = req.params.lang;
    if (typeof lang !== 'string' || !(LANGS as readonly string[]).includes(lang)) {
      sendError(res, 404, 'not_found', `no locale "${String(lang).slice(0, 20)}" (have ${LANGS.join(', ')})`);
      return;
    }
    CompressedFiles.send(req, res, await files.get(path.join(deps.localesDir, lang, path.basename(req.path))), REVALIDATE);
  });

  router.get('/web/config.json', (_req, res) => {
    res.set('Cache-Control', REVALIDATE).json({
      kioskIdleSeconds: deps.kioskIdleSeconds,
      qrMaxBytes: QR_MAX_BYTES,
      // Tibetan label and query when the knowledge has them, else the Chinese.
      categories: deps.knowledge.categories.map((c) => ({
        id: c.id,
        label: { 'zh-CN': c.label, bo: c.bo?.label.text ?? c.label },
        query: { 'zh-CN': c.query, bo: c.bo?.query?.text ?? c.query },
      })),
    });
  });

  router.post('/web/qr', express.json({ limit: '16kb' }), async (req, res) => {
    const text: unknown = (req.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string' || text.trim() === '') {
      sendError(res, 400, 'bad_request', 'the body must be JSON {"text": "<what the QR code carries>"}');
      return;
    }
    // A lone UTF-16 surrogate has no UTF-8 form: the QR encoder threw on it (a 500).
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text);
    if (lone) {
      sendError(
        res,
        400,
        'bad_request',
        `text is not valid Unicode: a lone surrogate (U+${lone[0].charCodeAt(0).toString(16).toUpperCase()}) at position ${lone.index}`,
      );
      return;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > QR_MAX_BYTES) {
      sendError(res, 413, 'payload_too_large', `text is ${bytes} bytes in UTF-8; a readable QR code holds at most ${QR_MAX_BYTES}`);
      return;
    }
    const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    res.set({ 'Content-Type': 'image/svg+xml', 'Cache-Control': 'no-store' }).send(svg);
  });

  const directLine = deps.directLine;
  if (directLine) {
    // Same-origin and secret-free: a fresh conversation and a token that opens only it.
    router.post('/api/directline/token', async (_req, res) => {
      const conversation = await directLine.store.create();
      res.set('Cache-Control', 'no-store').json(directLine.tokens.issue(conversation.id));
    });
  }

  return router;
}

type Strings = { [key: string]: string | Strings };

const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * The page in `lang` before any script runs (issue 14 §6: on a 400 kbps link the header stayed
 * blank until Web Chat's bundle had loaded): every empty [data-i18n] element and
 * data-i18n-<attribute> filled on the server, and the language's web.json inlined as a JSON
 * block (not a script: the CSP allows none inline) for the page's own scripts.
 */
export function localizePage(html: string, lang: Lang, strings: Strings): string {
  const lookup = (key: string): string => {
    const value = key.split('.').reduce<string | Strings | undefined>((node, part) => (typeof node === 'object' ? node[part] : undefined), strings);
    return typeof value === 'string' ? value : key;
  };
  const json = JSON.stringify({ lang, strings }).replace(/</g, '\\u003c');
  return html
    .replace(/<html lang="[^"]*">/, `<html lang="${lang}">`)
    .replace(
      /(<(\w+)\b[^>]*\sdata-i18n="([\w.]+)"[^>]*>)(<\/\2>)/g,
      (_m, open: string, _tag, key: string, close: string) => `${open}${escapeHtml(lookup(key))}${close}`,
    )
    .replace(/\sdata-i18n-(placeholder|title|aria-label)="([\w.]+)"/g, (m, attr: string, key: string) => `${m} ${attr}="${escapeHtml(lookup(key))}"`)
    .replace('</head>', `<script type="application/json" id="web-strings">${json}</script>\n</head>`);
}

/** The file an asset URL names, or undefined for another version or anything outside the asset roots. */
function assetFile(requested: string, parts: string[], version: string): string | undefined {
  if (requested !== version || parts.length === 0) return undefined;
  if (!parts.every((p) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p))) return undefined;
  const [top, ...rest] = parts;
  if (top === 'vendor' && rest.length === 1 && rest[0] === 'webchat.js') return path.join(WEBCHAT_DIR, 'dist', 'webchat.js');
  if (top === 'fonts' && rest.length === 1 && /^noto-serif-tibetan-tibetan-\d00-normal\.woff2?$/.test(rest[0]!)) {
    return path.join(FONT_DIR, 'files', rest[0]!);
  }
  if ((top === 'css' || top === 'js') && rest.length >= 1) return path.join(WEB_DIR, top, ...rest);
  return undefined;
}
