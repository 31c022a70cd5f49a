// Bundles the compiled server (dist/bot/index.js, from tsc) into one file, dist/server.mjs, which `npm start` runs.
// Why (issue 15): one file skips Node's resolution of ~1,500 modules and their package.json reads at every start,
// and two parts of botbuilder-dialogs the assistant never runs are left out (see STUBS). Measured in README's
// "Measured speed". nodejieba (native) and the packages that read files beside themselves stay external.
import path from 'node:path';
import { build } from 'esbuild';
import { DIST, STUBS, ownImportMetaUrl, stubs } from './bundleParts.mjs';

const OUT = path.join(DIST, 'server.mjs');

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
  plugins: [stubs(STUBS), ownImportMetaUrl('import.meta.url')],
});
// Not rewritten to Latin-1 as the snapshot entry is (build/latin1Source.mjs): measured (README, issue 15 fourth round),
// this ES module bundle used the same memory at start-up and ~18 MiB more after 1,200 closed-loop turns with it.
