// Turns one structuredClone case into a plain record (see url.runner.js). A case's "make" is a
// JavaScript expression building the value to clone.
(function () {
  function describe(v, seen) {
    if (v === null) return { t: 'null' };
    if (typeof v === 'bigint') return { t: 'bigint', v: String(v) };
    if (typeof v === 'number') return { t: 'number', v: Object.is(v, -0) ? '-0' : String(v) };
    if (typeof v !== 'object') return { t: typeof v, v: v === undefined ? 'undefined' : v };
    if (seen.has(v)) return { ref: seen.get(v) };
    seen.set(v, seen.size);
    const own = (o, skip) => Object.keys(o).filter((k) => !skip(k)).map((k) => [k, describe(o[k], seen)]);
    if (Array.isArray(v)) return { t: 'Array', length: v.length, keys: own(v, () => false) };
    if (v instanceof Date) return { t: 'Date', v: v.getTime() };
    if (v instanceof RegExp) return { t: 'RegExp', source: v.source, flags: v.flags, lastIndex: v.lastIndex };
    if (v instanceof Map) return { t: 'Map', entries: [...v].map(([k, x]) => [describe(k, seen), describe(x, seen)]) };
    if (v instanceof Set) return { t: 'Set', values: [...v].map((x) => describe(x, seen)) };
    if (v instanceof ArrayBuffer) return { t: 'ArrayBuffer', bytes: Array.from(new Uint8Array(v)) };
    if (ArrayBuffer.isView(v)) {
      return { t: v.constructor.name, byteOffset: v.byteOffset, byteLength: v.byteLength,
        buffer: describe(v.buffer, seen) };
    }
    if (v instanceof Error) {
      return { t: 'Error', proto: Object.getPrototypeOf(v).constructor.name, name: v.name, message: v.message,
        ownMessage: Object.prototype.hasOwnProperty.call(v, 'message') };
    }
    for (const C of [Boolean, Number, String, BigInt]) {
      if (v instanceof C) return { t: C.name + 'Object', v: String(v.valueOf()) };
    }
    const proto = Object.getPrototypeOf(v);
    return { t: 'Object', plainProto: proto === Object.prototype, keys: own(v, () => false) };
  }
  return async function run(c) {
    const value = new Function('return (' + c.make + ');')();
    try {
      const copy = c.noArgs ? structuredClone() : structuredClone(value);
      return { clone: describe(copy, new Map()), fresh: copy === null || typeof copy !== 'object' || copy !== value };
    } catch (e) {
      return { throws: e.name };
    }
  };
})()
