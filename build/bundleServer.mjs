// Bundles the compiled server (dist/bot/index.js, from tsc) into one file, dist/server.mjs, which `npm start` runs.
// Why (issue 15): one file skips Node's resolution of ~1,500 modules and their package.json reads at every start,
// and two parts of botbuilder-dialogs the assistant never runs are left out (see STUBS). Measured in README's
// "Measured speed". nodejieba (native) and the packages that read files beside themselves stay external.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'server.mjs');

/**
 * botbuilder-dialogs requires these at load time for prompts we do not use. The suite (2 MB, every
 * recognizer again) is read only for its Culture names, which @microsoft/recognizers-text holds too;
 * date-time serves only DateTimePrompt. Each stub throws if anything ever calls into it.
 */
const STUBS = {
  '@microsoft/recognizers-text-suite': `export { Culture } from '@microsoft/recognizers-text';`,
  '@microsoft/recognizers-text-date-time': `const missing = () => { throw new Error('DateTimePrompt is not in the bundled server (build/bundleServer.mjs)'); };
export const recognizeDateTime = missing;`,
};

/** Each compiled file keeps its own import.meta.url (paths to knowledge, jieba, the review worker are relative to it). */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/](bot|dialogs)[\\/].*\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const source = await readFile(args.path, 'utf8');
      const relative = './' + path.relative(DIST, args.path).split(path.sep).join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

const stubs = {
  name: 'stubs',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(STUBS).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({ contents: STUBS[args.path], loader: 'js', resolveDir: ROOT }));
  },
};

await build({
  stdin: {
    contents: `import { main } from './bot/index.js'; main();`,
    resolveDir: DIST,
    sourcefile: 'server-entry.mjs',
  },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outfile: OUT,
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  // CommonJS inside an ES module bundle needs a real require (for node: built-ins and the externals).
  banner: { js: `import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);` },
  external: ['nodejieba'],
  plugins: [stubs, ownImportMetaUrl],
});
