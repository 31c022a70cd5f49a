'use strict';
// Bundled into dist/server-snapshot.cjs in place of the built-ins in buildSnapshot.mjs's STAND_INS. Why: Node 20
// cannot put http (so https, http2, tls) in a start-up snapshot (its parser binding is a V8 handle it does not
// serialise: "global handle not serialized ... #HTTPParser", then a fatal check), and a worker_threads loaded while
// building cannot start a worker afterwards ("undefined is not an integer typed array"; child_process and
// async_hooks, also "not yet verified" by Node, are kept out the same way). While building each is a stand-in
// made from a table of its exports taken at bundle time by the same Node; once deserialised, `restore()` loads the
// real modules and every stand-in forwards to them. Anything that would need the real module while building (a call,
// a property of an object export, an assignment) throws, so the snapshot build fails loudly instead of baking a
// wrong value. Not caught: reading a prototype's non-method property (it would read undefined).
const v8 = require('node:v8');

// asked each time: a value taken while building would stay true in the snapshot
const building = () => v8.startupSnapshot.isBuildingSnapshot();
/** id -> the real module, once restored */
const reals = new Map();
/** every module stood in for */
const stoodIn = new Set();
/** every stand-in class's prototype, re-parented onto the real one by restore() */
const pending = [];

function realOf(id) {
  const real = reals.get(id);
  if (real) return real;
  if (building()) throw new Error(`${id} is needed while building the start-up snapshot (build/standInBuiltins.cjs)`);
  // Not building (the bundle run directly): the real module at once.
  const loaded = require(id);
  reals.set(id, loaded);
  return loaded;
}

/** A function export: forwards calls and `new` (subclasses too) to the real one; `instanceof` accepts real instances. */
function forwarder(id, key, methods) {
  const F = function (...args) {
    const R = realOf(id)[key];
    return new.target ? Reflect.construct(R, args, new.target) : R.apply(this, args);
  };
  Object.defineProperty(F, 'name', { value: key });
  Object.defineProperty(F, Symbol.hasInstance, {
    value: (x) => (reals.has(id) && x instanceof realOf(id)[key]) || Function.prototype[Symbol.hasInstance].call(F, x),
  });
  // The real prototype's methods, for libraries that test for one as they load (on-headers: appendHeader); each
  // calls the real method, and restore() removes them so that lookups go straight to the real prototype.
  const stubs = new Map();
  for (const name of methods) {
    const stub = function (...args) {
      return realOf(id)[key].prototype[name].apply(this, args);
    };
    stubs.set(name, stub);
    Object.defineProperty(F.prototype, name, { value: stub, writable: true, configurable: true });
  }
  pending.push({ id, key, F, stubs });
  return F;
}

/** The stand-in for `id`: `table` maps each export to { methods } (a function and its prototype's methods), "object" or { value }. */
exports.standIn = function standIn(id, table) {
  if (!building()) return require(id);
  stoodIn.add(id);
  const module = {};
  for (const [key, kind] of Object.entries(table)) {
    let made;
    Object.defineProperty(module, key, {
      enumerable: true,
      configurable: true,
      get() {
        if (reals.has(id)) return realOf(id)[key];
        if (kind === 'object') return realOf(id)[key];
        if (kind.methods) return (made ??= forwarder(id, key, kind.methods));
        return (made ??= structuredClone(kind.value));
      },
      set(value) {
        if (!reals.has(id)) throw new Error(`${id}.${key} is assigned while building the start-up snapshot (build/standInBuiltins.cjs)`);
        realOf(id)[key] = value;
      },
    });
  }
  return module;
};

/**
 * fetch and its classes load undici, which needs node:http, the first time they are read; libraries test for them as
 * they load (`typeof fetch`). While building they are absent (those libraries take their no-fetch path, as in
 * older Node), and restore() puts Node's own lazy getters back.
 */
const WEB_GLOBALS = ['fetch', 'FormData', 'Headers', 'Request', 'Response'];
const hiddenGlobals = new Map();
exports.hideWebGlobals = function hideWebGlobals() {
  for (const name of WEB_GLOBALS) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    if (!descriptor) continue;
    hiddenGlobals.set(name, descriptor);
    delete globalThis[name];
  }
};

/** After deserialising: load the real modules, then hang every stand-in class under the real one it stands for. */
exports.restore = function restore(requireBuiltin) {
  for (const [name, descriptor] of hiddenGlobals) Object.defineProperty(globalThis, name, descriptor);
  for (const id of stoodIn) if (!reals.has(id)) reals.set(id, requireBuiltin(id));
  for (const { id, key, F, stubs } of pending) {
    const R = reals.get(id)[key];
    for (const [name, stub] of stubs) if (F.prototype[name] === stub) delete F.prototype[name];
    Object.setPrototypeOf(F.prototype, R.prototype);
    Object.setPrototypeOf(F, R);
  }
};
