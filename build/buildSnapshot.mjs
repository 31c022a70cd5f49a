// Builds dist/server.blob, a V8 start-up snapshot of the server's code (issue 15: ready in ≤ 1 s), which
// build/start.sh runs when it is usable. The snapshot holds every module evaluated (the Bot Framework SDK,
// express, OpenCC's and pinyin's tables...), nothing of the service: config, knowledge, nodejieba, storage,
// timers, the review worker and the server are all made after deserialising, by the same main() as the bundle.
// Node 20's limits, and what is done about each:
// - the snapshot's entry is one CommonJS script that may require only built-ins: dist/server-snapshot.cjs bundles
//   everything; nodejieba (native) is a stand-in that loads the addon, through createRequire, after deserialising;
// - node:http, https, http2 and tls cannot be serialised: stand-ins while building (build/standInBuiltins.cjs);
// - crypto.randomUUID's pool of random bytes is kept in the snapshot once it is filled, so identical ids would
//   follow in every process: calling it while building fails the build.
// Last, dist/server.blob.stamp records the node version and the directory the blob was made for (start.sh checks both).
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { DIST, ROOT, STUBS, latin1Output, ownImportMetaUrl, stubs } from './bundleParts.mjs';

const ENTRY = path.join(DIST, 'server-snapshot.cjs');
const BLOB = path.join(DIST, 'server.blob');
const STAMP = `${BLOB}.stamp`;
const STAND_INS = ['http', 'https', 'http2', 'tls', 'worker_threads', 'child_process', 'async_hooks'];

/** The methods a real prototype has, itself and inherited (libraries test for them as they load: on-headers, appendHeader). */
function methodNames(proto) {
  const names = new Set();
  for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (name !== 'constructor' && typeof d.value === 'function') names.add(name);
    }
  }
  return [...names];
}

/** Each stood-in module's exports as this Node has them: { methods } (a function), "object", or { value } (JSON data such as METHODS). */
function exportTable(id) {
  const real = createRequire(import.meta.url)(id);
  const table = {};
  for (const key of Object.keys(real)) {
    const v = real[key];
    if (typeof v === 'function') table[key] = { methods: methodNames(v.prototype) };
    else if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype) {
      const json = JSON.stringify(v);
      table[key] = json !== undefined && JSON.stringify(JSON.parse(json)) === json ? { value: JSON.parse(json) } : 'object';
    } else table[key] = 'object';
  }
  return table;
}

const standInPath = JSON.stringify(path.join(ROOT, 'build', 'standInBuiltins.cjs'));
const standIns = Object.fromEntries(
  STAND_INS.flatMap((id) => {
    const source = `module.exports = require(${standInPath}).standIn(${JSON.stringify(id)}, ${JSON.stringify(exportTable(id))});`;
    return [
      [id, source],
      [`node:${id}`, source],
    ];
  }),
);

const jiebaStandIn = JSON.stringify(path.join(ROOT, 'build', 'jiebaStandIn.cjs'));
/** nodejieba's own index.js, its binding coming from build/jiebaStandIn.cjs (opened after deserialising). */
const jiebaBinding = {
  name: 'jieba-binding',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]nodejieba[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      // its files are found from its own directory (the blob is made for this directory: start.sh checks)
      const patched = source
        .replace('require(BINARY_PATH)', `require(${jiebaStandIn}).binding(BINARY_PATH)`)
        .replaceAll('__dirname', JSON.stringify(path.dirname(args.path)));
      if (patched === source) throw new Error('nodejieba/index.js no longer requires BINARY_PATH: update build/buildSnapshot.mjs');
      return { contents: patched, loader: 'js' };
    });
  },
};

await build({
  entryPoints: [path.join(ROOT, 'build', 'snapshotEntry.cjs')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: ENTRY,
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  legalComments: 'none',
  banner: { js: `var __bundleUrl = ${JSON.stringify(pathToFileURL(ENTRY).href)};` },
  plugins: [stubs({ ...STUBS, ...standIns }), ownImportMetaUrl('__bundleUrl'), jiebaBinding],
});

await latin1Output(ENTRY, 'script');

await rm(STAMP, { force: true });
await rm(BLOB, { force: true });
await promisify(execFile)(process.execPath, ['--snapshot-blob', BLOB, '--build-snapshot', ENTRY], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
await writeFile(STAMP, `${process.version} ${ROOT.replace(/\/$/, '')}\n`);
