'use strict';
// nodejieba's native binding (build/Release/nodejieba.node) in the snapshot bundle: nodejieba's own index.js is
// bundled and its require of the binding comes here (build/buildSnapshot.mjs). A native addon cannot be in a
// start-up snapshot, but the snapshot's understanding was built with it: while building, the addon is opened with
// process.dlopen, used, and dropped before the heap is serialised; its load() and insertWord() calls are recorded,
// and after deserialising the real addon is loaded and they are replayed: load() always (nodejieba's wrapper and
// the segmenter both remember having loaded), the domain words only when the snapshot's understanding is used.
const v8 = require('node:v8');

let addon = null;
let file = '';
/** load() and insertWord() calls made while building, in order */
const recorded = [];
let wordsReplayed = false;

function open() {
  if (addon) return addon;
  if (v8.startupSnapshot.isBuildingSnapshot()) {
    const module = { exports: {} };
    process.dlopen(module, file);
    addon = module.exports;
  } else {
    addon = require('node:module').createRequire(file)(file);
  }
  return addon;
}

const RECORDED = new Set(['load', 'insertWord']);

/** What nodejieba's index.js gets for `require(BINARY_PATH)`. */
exports.binding = function binding(binaryPath) {
  file = binaryPath;
  return new Proxy(
    {},
    {
      get(_target, name) {
        return (...args) => {
          if (v8.startupSnapshot.isBuildingSnapshot() && RECORDED.has(name)) recorded.push([name, args]);
          return open()[name](...args);
        };
      },
    },
  );
};

if (v8.startupSnapshot.isBuildingSnapshot()) {
  v8.startupSnapshot.addSerializeCallback(() => {
    addon = null;
  });
}

/** After deserialising: the real addon with the dictionary loaded as it was while building (no domain words yet). */
exports.reload = function reload() {
  for (const [name, args] of recorded) if (name === 'load') open().load(...args);
};

/** The domain words the snapshot's understanding was built with (only when that understanding is used). */
exports.replayWords = function replayWords() {
  if (wordsReplayed) return;
  wordsReplayed = true;
  for (const [name, args] of recorded) if (name === 'insertWord') open().insertWord(...args);
};
