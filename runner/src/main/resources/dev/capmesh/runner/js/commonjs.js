// CommonJS for one worker context: module.exports and require() between the worker's own
// modules, and nothing else (no host, no file system). Evaluated once per context before the
// main module is imported; returns install(table), where table rows are
// [path, kind, value]: 'cjs' with the module's wrapper function, 'text'/'json' with the text,
// 'data' with base64, 'esm' with null.
(function capmeshSetup_commonjs(table) {
  'use strict';
  // Captured before any worker code runs, so worker code cannot bend the loader.
  const apply = Reflect.apply;
  const freeze = Object.freeze;
  const parseJson = JSON.parse;
  const MapCtor = Map;
  const mapGet = Map.prototype.get;
  const mapSet = Map.prototype.set;
  const strSplit = String.prototype.split;
  const strSlice = String.prototype.slice;
  const strLastIndexOf = String.prototype.lastIndexOf;
  const strStartsWith = String.prototype.startsWith;
  const regexTest = RegExp.prototype.test;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const workers = globalThis[Symbol.for('capmesh.cloudflare:workers')];
  const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

  // What require() gives for built-in specifiers: cloudflare:workers' public exports only.
  const builtins = new MapCtor();
  apply(mapSet, builtins, ['cloudflare:workers', freeze({ __proto__: null, WorkerEntrypoint: workers.WorkerEntrypoint })]);

  const records = new MapCtor();
  for (let i = 0; i < table.length; i++) {
    const row = table[i];
    apply(mapSet, records, [row[0], { kind: row[1], value: row[2], module: null, done: false, result: undefined }]);
  }

  function dirOf(path) {
    return apply(strSlice, path, [0, apply(strLastIndexOf, path, ['/']) + 1]);
  }

  /** spec resolved against dir as workerd does: "./x", "../x" and "x" are relative, "/x" absolute. */
  function resolve(dir, spec) {
    const parts = [];
    const push = (list) => {
      for (let i = 0; i < list.length; i++) {
        const s = list[i];
        if (s === '' || s === '.') continue;
        if (s === '..') { if (parts.length > 0) parts.length = parts.length - 1; continue; }
        parts[parts.length] = s;
      }
    };
    if (!apply(strStartsWith, spec, ['/'])) push(apply(strSplit, dir, ['/']));
    push(apply(strSplit, spec, ['/']));
    let out = '';
    for (let i = 0; i < parts.length; i++) out += '/' + parts[i];
    return out === '' ? '/' : out;
  }

  /** "/lib/a.js" -> "/lib"; "/a.js" -> "/". */
  function dirname(path) {
    const d = dirOf(path);
    return d === '/' ? d : apply(strSlice, d, [0, d.length - 1]);
  }

  function makeRequire(path) {
    const dir = dirOf(path);
    return function require(spec) {
      if (typeof spec !== 'string') {
        throw new TypeErrorCtor(`require() needs a module name string, not ${spec === null ? 'null' : typeof spec} (in "${apply(strSlice, path, [1])}")`);
      }
      if (apply(regexTest, SCHEME, [spec])) {
        const builtin = apply(mapGet, builtins, [spec]);
        if (builtin !== undefined) return builtin;
        throw new ErrorCtor(`No such module "${spec}" (require() in "${apply(strSlice, path, [1])}"; `
          + 'the only built-in module require() knows is "cloudflare:workers")');
      }
      const target = resolve(dir, spec);
      return load(target, spec, path);
    };
  }

  function load(target, spec, from) {
    const r = apply(mapGet, records, [target]);
    const name = apply(strSlice, target, [1]);
    if (r === undefined) {
      throw new ErrorCtor(from === null ? `No such module "${name}"`
        : `No such module "${name}" (require("${spec}") in "${apply(strSlice, from, [1])}"; require() only loads this worker's own modules)`);
    }
    switch (r.kind) {
      case 'cjs': {
        // Cached, or still running (a require cycle): Node gives the exports as they are so far.
        if (r.module !== null) return r.module.exports;
        const dir = dirname(target);
        const module = { exports: {}, id: target, filename: target, path: dir, loaded: false };
        r.module = module;
        try {
          apply(r.value, module.exports, [module.exports, makeRequire(target), module, target, dir]);
        } catch (e) {
          r.module = null; // as in Node: a module that threw is not cached; requiring it runs it again
          throw e;
        }
        module.loaded = true;
        return module.exports;
      }
      case 'text': return r.value;
      case 'json':
        if (!r.done) { r.result = parseJson(r.value); r.done = true; }
        return r.result;
      case 'data':
        // One ArrayBuffer per context, the same for every require() of the module.
        if (!r.done) { r.result = workers.base64ToBuffer(r.value); r.done = true; }
        return r.result;
      default:
        throw new TypeErrorCtor(`Cannot require() the ES module "${name}"`
          + (from === null ? '' : ` (in "${apply(strSlice, from, [1])}")`) + ': import it instead');
    }
  }

  Object.defineProperty(globalThis, Symbol.for('capmesh.commonjs'), {
    value: freeze({ __proto__: null, load(path) { return load(resolve('/', String(path)), path, null); } }),
    writable: false, configurable: false, enumerable: false,
  });
})
