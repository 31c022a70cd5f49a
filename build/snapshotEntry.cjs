'use strict';
// The entry of the start-up snapshot (bundled by build/buildSnapshot.mjs into dist/server-snapshot.cjs). While
// building: every module is evaluated, and the knowledge is loaded, validated and indexed (the understanding
// pipeline) from ./knowledge. After deserialising: main(), as the bundle runs it, handed those parts; buildService
// uses them only if ./knowledge (or KNOWLEDGE_DIR) and the jieba dictionary hash the same as when they were made,
// and no learned examples change the index. Config, storage, timers, the review worker and the server are made here
// and now, never baked.
const crypto = require('node:crypto');
const { readdir, readFile } = require('node:fs/promises');
const path = require('node:path');
const v8 = require('node:v8');
const { hideWebGlobals, restore } = require('./standInBuiltins.cjs');
const jieba = require('./jiebaStandIn.cjs');

const building = v8.startupSnapshot.isBuildingSnapshot();
if (building) hideWebGlobals();
// crypto.randomUUID's pool of random bytes would be kept in the snapshot once filled, and every process would then
// hand out the same ids first: it must not run while building. The guard stays (libraries such as uuid keep a
// reference to it as they load) and only forwards once deserialised.
const randomUUID = crypto.randomUUID;
crypto.randomUUID = function guardedRandomUUID(...args) {
  if (v8.startupSnapshot.isBuildingSnapshot()) {
    throw new Error('crypto.randomUUID called while building the start-up snapshot: its pool would be baked in (build/snapshotEntry.cjs)');
  }
  return randomUUID.apply(this, args);
};
// The builder runs with no Error.stackTraceLimit (so no stacks); depd (express's deprecations) needs one as it loads.
const stackLimit = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
if (building) Error.stackTraceLimit = 10;

const { main } = require('../dist/bot/index.js');
const { KnowledgeBase } = require('../dist/bot/knowledge/knowledgeBase.js');
const { Understanding } = require('../dist/bot/understanding/understanding.js');
const { ROOT_DIR } = require('../dist/bot/config/config.js');
const { JIEBA_DIR } = require('../dist/bot/understanding/segmenter.js');

if (building) {
  if (stackLimit) Object.defineProperty(Error, 'stackTraceLimit', stackLimit);
  else delete Error.stackTraceLimit;
}

async function filesUnder(dir, base = dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full, base)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** sha-256 over every file of the knowledge and of the jieba dictionary, names (relative) and contents, in order */
async function dataHash(knowledgeDir) {
  const hash = crypto.createHash('sha256');
  for (const [label, dir] of [
    ['knowledge', knowledgeDir],
    ['jieba', JIEBA_DIR],
  ]) {
    const files = (await filesUnder(dir)).sort();
    for (const file of files) {
      hash.update(`${label}/${path.relative(dir, file)}\0`);
      hash.update(await readFile(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

async function prebuild() {
  const knowledgeDir = path.join(ROOT_DIR, 'knowledge');
  const knowledge = await KnowledgeBase.load(knowledgeDir);
  // as buildService makes it with no learned examples
  const understanding = new Understanding(knowledge.withExamples(new Map()));
  const hash = await dataHash(knowledgeDir);
  return {
    knowledge,
    understanding,
    fits: async (dir) => (await dataHash(dir)) === hash,
    activate: () => {
      jieba.replayWords();
      return understanding;
    },
  };
}

if (building) {
  prebuild().then(
    (prebuilt) => {
      let parts = prebuilt;
      v8.startupSnapshot.setDeserializeMainFunction(() => {
        restore((id) => require(id));
        jieba.reload();
        // not kept here: when the knowledge has changed they are garbage once buildService has looked at them
        const handed = parts;
        parts = undefined;
        main(handed);
      });
    },
    (err) => {
      process.stderr.write(`building the start-up snapshot failed: ${err.stack ?? err}\n`);
      process.exitCode = 1;
    },
  );
} else {
  main();
}
