// What the two bundles of the server share: build/bundleServer.mjs (dist/server.mjs, ESM) and
// build/buildSnapshot.mjs (dist/server-snapshot.cjs, the entry of the V8 start-up snapshot).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { latin1Regexps, wideCharacters } from './latin1Source.mjs';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DIST = path.join(ROOT, 'dist');

/**
 * botbuilder-dialogs requires these at load time for prompts we do not use. The suite (2 MB, every
 * recognizer again) is read only for its Culture names, which @microsoft/recognizers-text holds too;
 * date-time serves only DateTimePrompt. Each stub throws if anything ever calls into it.
 */
export const STUBS = {
  '@microsoft/recognizers-text-suite': `export { Culture } from '@microsoft/recognizers-text';`,
  '@microsoft/recognizers-text-date-time': `const missing = () => { throw new Error('DateTimePrompt is not in the bundled server (build/bundleServer.mjs)'); };
export const recognizeDateTime = missing;`,
};

/**
 * Each compiled file keeps its own import.meta.url (paths to knowledge, jieba, the review worker are relative to it),
 * made from `bundleUrl`, an expression for the bundle's own file URL.
 */
export function ownImportMetaUrl(bundleUrl) {
  return {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /[\\/]dist[\\/](bot|dialogs)[\\/].*\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const relative = './' + path.relative(DIST, args.path).split(path.sep).join('/');
        return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, ${bundleUrl}).href`), loader: 'js' };
      });
    },
  };
}

/** Replaces each module named in `modules` (name -> source) by that source. */
export function stubs(modules) {
  return {
    name: 'stubs',
    setup(b) {
      const escaped = Object.keys(modules).map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
      b.onResolve({ filter: new RegExp(`^(${escaped.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'stub' }));
      b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({ contents: modules[args.path], loader: 'js', resolveDir: ROOT }));
    },
  };
}

/**
 * Rewrites the bundle at `file` so that V8 can hold its source one byte a character (build/latin1Source.mjs: half the
 * memory of the source text; used for the snapshot entry only, see build/bundleServer.mjs).
 */
export async function latin1Output(file, sourceType) {
  const code = latin1Regexps(await readFile(file, 'utf8'), sourceType);
  const wide = wideCharacters(code);
  // not fatal (the server runs the same), but the bundle's source then takes twice the memory
  if (wide.length > 0) console.warn(`${path.basename(file)}: ${wide.length} characters above U+00FF left in the source, e.g. ${wide.slice(0, 3).join(' ')}`);
  await writeFile(file, code);
}
