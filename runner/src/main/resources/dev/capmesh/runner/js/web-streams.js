// capmesh worker runtime, part 3: ReadableStream, WritableStream, TransformStream (the WHATWG
// Streams Standard's observable behaviour: queues with a high-water mark, pull-on-demand,
// locking, cancel/abort propagation, pipeTo/pipeThrough/tee, async iteration) and byte streams
// (type: 'bytes') with BYOB readers and byobRequest.
(function capmeshSetup_streams(host, internal) {
  'use strict';
  const defineGlobal = (name, value) => Object.defineProperty(globalThis, name, {
    value, writable: true, configurable: true, enumerable: false });

  // The state behind a stream, for its readers and writers only (module-private, see below).
  let readableState, writableState;
  class ReadableStreamDefaultController {
    #s;
    constructor(key, state) { if (key !== internal) throw new TypeError('Illegal constructor'); this.#s = state; }
    get desiredSize() { const s = this.#s; return s.state === 'errored' ? null : s.state === 'closed' ? 0 : s.hwm - s.queue.length; }
    enqueue(chunk) {
      const s = this.#s;
      if (s.closeRequested || s.state !== 'readable') throw new TypeError('Cannot enqueue into a closed or errored stream');
      if (s.readers.length) s.readers.shift().resolve({ value: chunk, done: false });
      else s.queue.push(chunk);
      s.pullIfNeeded();
    }
    close() {
      const s = this.#s;
      if (s.closeRequested || s.state !== 'readable') throw new TypeError('Cannot close a closed or errored stream');
      s.closeRequested = true;
      if (s.queue.length === 0) s.finishClose();
    }
    error(e) { this.#s.fail(e); }
  }


  // ---- byte streams (type: 'bytes'): BYOB readers, byobRequest, and a queue counted in bytes ----
  // Views are read through intrinsics captured before worker code runs (internal.slots), so a
  // worker that redefines `buffer` or `byteLength` cannot steer the runtime's byte handling.
  const { typedKind, typedBuffer, typedOffset, typedByteLength, viewBuffer, viewOffset, viewLength } = internal.slots;
  const transferFn = ArrayBuffer.prototype.transfer, sliceFn = ArrayBuffer.prototype.slice;
  const transfer = typeof transferFn === 'function'
    ? (buffer) => Reflect.apply(transferFn, buffer, []) : (buffer) => Reflect.apply(sliceFn, buffer, [0]);
  const VIEW_CTORS = { Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array };
  if (typeof Float16Array === 'function') VIEW_CTORS.Float16Array = Float16Array;
  const viewCtor = (view) => { const k = typedKind(view); return k === undefined ? DataView : VIEW_CTORS[k]; };
  // [buffer, byteOffset, byteLength] of a view, from its internal slots.
  const viewParts = (v) => (typedKind(v) !== undefined ? [typedBuffer(v), typedOffset(v), typedByteLength(v)]
    : [viewBuffer(v), viewOffset(v), viewLength(v)]);
  // The view a finished read-into hands back: the descriptor's type over the bytes filled so far.
  function filledView(d) {
    const C = d.ctor;
    return C === DataView ? new DataView(d.buffer, d.byteOffset, d.bytesFilled)
      : new C(d.buffer, d.byteOffset, d.bytesFilled / d.elementSize);
  }
  let byobRequestView;
  class ReadableStreamBYOBRequest {
    #s; #d;
    constructor(key, s, d) { if (key !== internal) throw new TypeError('Illegal constructor'); this.#s = s; this.#d = d; }
    static { byobRequestView = (r) => r.#d; }
    get view() {
      const d = this.#d;
      return d === null ? null : new Uint8Array(d.buffer, d.byteOffset + d.bytesFilled, d.byteLength - d.bytesFilled);
    }
    respond(bytesWritten) {
      const d = this.#d;
      if (d === null) throw new TypeError('This BYOB request has been invalidated');
      const n = Number(bytesWritten);
      if (!(n >= 0) || !Number.isInteger(n)) throw new TypeError('bytesWritten must be a non-negative integer');
      if (this.#s.state === 'closed') { if (n !== 0) throw new TypeError('bytesWritten must be 0 after close()'); }
      else if (n === 0) throw new TypeError('bytesWritten must be greater than 0 while the stream is readable');
      if (d.bytesFilled + n > d.byteLength) throw new RangeError('bytesWritten is larger than the view');
      this.#d = null;
      this.#s.respond(d, n);
    }
    respondWithNewView(view) {
      const d = this.#d;
      if (d === null) throw new TypeError('This BYOB request has been invalidated');
      if (!ArrayBuffer.isView(view)) throw new TypeError('view must be an ArrayBufferView');
      const [buffer, offset, length] = viewParts(view);
      if (offset !== d.byteOffset + d.bytesFilled) throw new RangeError('The view does not start where the request does');
      if (internal.slots.bufferLength(buffer) !== internal.slots.bufferLength(d.buffer)) throw new RangeError('The view is not over the request\'s buffer');
      if (d.bytesFilled + length > d.byteLength) throw new RangeError('The view is larger than the request');
      if (this.#s.state !== 'closed' && length === 0) throw new TypeError('The view is empty while the stream is readable');
      this.#d = null;
      d.buffer = transfer(buffer);
      this.#s.respond(d, length);
    }
  }
  class ReadableByteStreamController {
    #s;
    constructor(key, s) { if (key !== internal) throw new TypeError('Illegal constructor'); this.#s = s; }
    get byobRequest() { return this.#s.byobRequest(); }
    get desiredSize() { const s = this.#s; return s.state === 'errored' ? null : s.state === 'closed' ? 0 : s.hwm - s.queueBytes; }
    enqueue(chunk) {
      const s = this.#s;
      if (!ArrayBuffer.isView(chunk)) throw new TypeError('chunk must be an ArrayBufferView');
      const [buffer, offset, length] = viewParts(chunk); // read before the transfer detaches chunk
      if (length === 0) throw new TypeError('chunk must not be empty');
      if (s.closeRequested || s.state !== 'readable') throw new TypeError('Cannot enqueue into a closed or errored stream');
      s.enqueue(new Uint8Array(transfer(buffer), offset, length));
    }
    close() {
      const s = this.#s;
      if (s.closeRequested || s.state !== 'readable') throw new TypeError('Cannot close a closed or errored stream');
      s.close();
    }
    error(e) { this.#s.fail(e); }
  }

  // The byte stream's state machine on s (the same record a default stream uses, plus a byte
  // queue and the pending read-into descriptors). Default readers call s.take(), BYOB readers
  // s.readInto(); both settle through the descriptors in the order they were made.
  function setUpByteStream(s, source) {
    s.queueBytes = 0;
    s.pullIntos = []; // { buffer, byteOffset, byteLength, bytesFilled, minimumFill, elementSize, ctor, kind, resolve, reject }
    let request = null; // the BYOBRequest handed out for pullIntos[0]
    const autoAllocate = source.autoAllocateChunkSize === undefined ? 0 : Number(source.autoAllocateChunkSize);
    if (source.autoAllocateChunkSize !== undefined && !(Number.isInteger(autoAllocate) && autoAllocate > 0)) {
      throw new TypeError('autoAllocateChunkSize must be a positive integer');
    }
    const controller = new ReadableByteStreamController(internal, s);
    s.controller = controller;
    const invalidate = () => { request = null; };
    s.byobRequest = () => {
      if (request === null && s.pullIntos.length) request = new ReadableStreamBYOBRequest(internal, s, s.pullIntos[0]);
      return request;
    };
    s.finishClose = (keepReadIntos) => {
      s.state = 'closed';
      for (const r of s.readers.splice(0)) r.resolve({ value: undefined, done: true });
      // close() leaves a pending read-into for the source to finish with byobRequest.respond(0).
      if (!keepReadIntos) for (const d of s.pullIntos.splice(0)) d.resolve({ value: d.kind === 'default' ? undefined : filledView(d), done: true });
      invalidate();
      for (const w of s.closedWaiters.splice(0)) w.resolve();
    };
    s.fail = (e) => {
      if (s.state !== 'readable') return;
      s.state = 'errored'; s.storedError = e; s.queue = []; s.queueBytes = 0;
      for (const r of s.readers.splice(0)) r.reject(e);
      for (const d of s.pullIntos.splice(0)) d.reject(e);
      invalidate();
      for (const w of s.closedWaiters.splice(0)) w.reject(e);
    };
    const wantsData = () => s.readers.length > 0 || s.pullIntos.length > 0 || s.hwm - s.queueBytes > 0;
    s.pullIfNeeded = () => {
      if (!s.started || s.state !== 'readable' || s.closeRequested || typeof source.pull !== 'function') return;
      if (!wantsData()) return;
      if (s.pulling) { s.pullAgain = true; return; }
      s.pulling = true;
      Promise.resolve().then(() => source.pull(controller)).then(() => {
        s.pulling = false;
        if (s.pullAgain) { s.pullAgain = false; s.pullIfNeeded(); }
      }, (e) => s.fail(e));
    };
    // Moves queued bytes into d; true when d has at least its minimum.
    const fillFromQueue = (d) => {
      while (s.queue.length && d.bytesFilled < d.byteLength) {
        const head = s.queue[0];
        const n = Math.min(head.length, d.byteLength - d.bytesFilled);
        new Uint8Array(d.buffer, d.byteOffset + d.bytesFilled, n).set(head.subarray(0, n));
        d.bytesFilled += n;
        s.queueBytes -= n;
        if (n === head.length) s.queue.shift(); else s.queue[0] = head.subarray(n);
      }
      return d.bytesFilled >= d.minimumFill;
    };
    const settle = (d) => {
      // Only whole elements go out; a remainder goes back to the front of the queue.
      const rest = d.bytesFilled % d.elementSize;
      if (rest) {
        const tail = new Uint8Array(d.buffer, d.byteOffset + d.bytesFilled - rest, rest).slice();
        s.queue.unshift(tail); s.queueBytes += rest; d.bytesFilled -= rest;
      }
      d.resolve({ value: d.kind === 'default' ? new Uint8Array(d.buffer, d.byteOffset, d.bytesFilled) : filledView(d), done: false });
    };
    const afterDequeue = () => {
      if (s.closeRequested && s.queueBytes === 0) s.finishClose();
      else s.pullIfNeeded();
    };
    s.enqueue = (chunk) => {
      if (s.pullIntos.length) {
        // A pending read-into is filled first; what is left over is queued.
        invalidate();
        s.queue.push(chunk); s.queueBytes += chunk.length;
        while (s.pullIntos.length && s.queueBytes > 0) {
          const d = s.pullIntos[0];
          if (!fillFromQueue(d)) break;
          s.pullIntos.shift();
          settle(d);
        }
      } else if (s.readers.length) {
        s.readers.shift().resolve({ value: chunk, done: false });
      } else {
        s.queue.push(chunk); s.queueBytes += chunk.length;
      }
      s.pullIfNeeded();
    };
    s.close = () => {
      if (s.queueBytes > 0) { s.closeRequested = true; return; }
      const d = s.pullIntos[0];
      if (d && d.bytesFilled % d.elementSize !== 0) {
        const e = new TypeError('Insufficient bytes to fill elements in the given buffer');
        s.fail(e);
        throw e;
      }
      s.closeRequested = true;
      s.finishClose(true);
    };
    s.respond = (d, n) => {
      if (s.state === 'closed') {
        // After close, respond(0) finishes the read-into with what it has (done: true).
        s.pullIntos.shift();
        d.resolve({ value: d.kind === 'default' ? undefined : filledView(d), done: true });
      } else {
        d.bytesFilled += n;
        if (d.bytesFilled >= d.minimumFill) { s.pullIntos.shift(); settle(d); }
      }
      invalidate();
      s.pullIfNeeded();
    };
    s.take = () => {
      s.disturbed = true;
      if (s.queueBytes > 0) {
        const value = s.queue.shift();
        s.queueBytes -= value.length;
        afterDequeue();
        return Promise.resolve({ value, done: false });
      }
      if (s.state === 'closed') return Promise.resolve({ value: undefined, done: true });
      if (s.state === 'errored') return Promise.reject(s.storedError);
      if (autoAllocate) {
        return new Promise((resolve, reject) => {
          s.pullIntos.push({ buffer: new ArrayBuffer(autoAllocate), byteOffset: 0, byteLength: autoAllocate, bytesFilled: 0,
            minimumFill: 1, elementSize: 1, ctor: Uint8Array, kind: 'default', resolve, reject });
          s.pullIfNeeded();
        });
      }
      return new Promise((resolve, reject) => { s.readers.push({ resolve, reject }); s.pullIfNeeded(); });
    };
    s.readInto = (view, min) => {
      s.disturbed = true;
      const ctor = viewCtor(view);
      const elementSize = ctor === DataView ? 1 : ctor.BYTES_PER_ELEMENT;
      const [buffer, offset, length] = viewParts(view);
      const d = { buffer: null, byteOffset: offset, byteLength: length, bytesFilled: 0,
        minimumFill: min * elementSize, elementSize, ctor, kind: 'byob', resolve: null, reject: null };
      d.buffer = transfer(buffer);
      if (s.state === 'errored') return Promise.reject(s.storedError);
      if (s.state === 'closed') return Promise.resolve({ value: new ctor(d.buffer, d.byteOffset, 0), done: true });
      return new Promise((resolve, reject) => {
        d.resolve = resolve; d.reject = reject;
        if (s.pullIntos.length === 0 && s.queueBytes > 0 && fillFromQueue(d)) {
          settle(d);
          afterDequeue();
          return;
        }
        if (s.closeRequested) {
          const e = new TypeError('Insufficient bytes to fill elements in the given buffer');
          s.fail(e); reject(e); return;
        }
        s.pullIntos.push(d);
        s.pullIfNeeded();
      });
    };
    s.releaseInto = (reason) => {
      for (const d of s.pullIntos.splice(0)) if (d.kind === 'byob') d.reject(reason);
      invalidate();
    };
    s.cancel = (reason) => {
      if (s.state === 'closed') return Promise.resolve();
      if (s.state === 'errored') return Promise.reject(s.storedError);
      s.queue = []; s.queueBytes = 0;
      // A cancelled stream's pending read-intos end without a view (the Streams Standard).
      for (const d of s.pullIntos.splice(0)) d.resolve({ value: undefined, done: true });
      s.finishClose();
      return Promise.resolve(typeof source.cancel === 'function' ? source.cancel(reason) : undefined).then(() => undefined);
    };
    Promise.resolve(typeof source.start === 'function' ? source.start(controller) : undefined).then(() => {
      s.started = true; s.pullIfNeeded();
    }, (e) => s.fail(e));
  }

  // Closes a byte stream the runtime feeds and finishes a BYOB read still waiting on it (the
  // Streams Standard leaves that to the source: respond(0) after close()).
  internal.closeBytes = (c) => {
    c.close();
    const req = c.byobRequest;
    if (req !== null) req.respond(0);
  };

  class ReadableStreamBYOBReader {
    #s; #released = false;
    constructor(stream) {
      const s = readableState(stream);
      if (!s.bytes) throw new TypeError('Cannot use a BYOB reader with a non-byte stream');
      this.#s = s;
      this.closed = lockStream(s, 'ReadableStream');
    }
    read(view, options = {}) {
      if (this.#released) return Promise.reject(new TypeError('Reader has been released'));
      if (!ArrayBuffer.isView(view)) return Promise.reject(new TypeError('view must be an ArrayBufferView'));
      const [buffer, , byteLength] = viewParts(view);
      if (byteLength === 0) return Promise.reject(new TypeError('view must have a non-zero byteLength'));
      if (internal.slots.bufferLength(buffer) === 0) return Promise.reject(new TypeError('view\'s buffer has been detached'));
      const length = typedKind(view) === undefined ? byteLength : byteLength / viewCtor(view).BYTES_PER_ELEMENT;
      const min = options === undefined || options === null || options.min === undefined ? 1 : Number(options.min);
      if (!(Number.isInteger(min) && min > 0)) return Promise.reject(new TypeError('options.min must be a positive integer'));
      if (min > length) return Promise.reject(new RangeError('options.min is larger than the view'));
      return this.#s.readInto(view, min);
    }
    cancel(reason) {
      if (this.#released) return Promise.reject(new TypeError('Reader has been released'));
      return this.#s.cancel(reason);
    }
    releaseLock() {
      if (this.#released) return;
      this.#released = true;
      this.#s.locked = false;
      this.#s.releaseInto(new TypeError('Reader was released'));
    }
  }

  class ReadableStream {
    #s;
    constructor(source = {}, strategy = {}) {
      if (source === null) source = {};
      const type = source.type === undefined ? undefined : String(source.type);
      if (type !== undefined && type !== 'bytes') throw new TypeError(`Invalid type: '${type}' (expected: undefined or 'bytes')`);
      const hwm = strategy.highWaterMark === undefined ? (type === 'bytes' ? 0 : 1) : Number(strategy.highWaterMark);
      if (!(hwm >= 0)) throw new RangeError('highWaterMark must be a non-negative number');
      const s = this.#s = {
        state: 'readable', queue: [], readers: [], hwm, closeRequested: false, pulling: false, pullAgain: false,
        started: false, storedError: undefined, locked: false, closedWaiters: [], source, bytes: type === 'bytes',
      };
      if (s.bytes) { setUpByteStream(s, source); return; }
      const controller = new ReadableStreamDefaultController(internal, s);
      s.controller = controller;
      s.finishClose = () => {
        s.state = 'closed';
        for (const r of s.readers.splice(0)) r.resolve({ value: undefined, done: true });
        for (const w of s.closedWaiters.splice(0)) w.resolve();
      };
      s.fail = (e) => {
        if (s.state !== 'readable') return;
        s.state = 'errored'; s.storedError = e; s.queue = [];
        for (const r of s.readers.splice(0)) r.reject(e);
        for (const w of s.closedWaiters.splice(0)) w.reject(e);
      };
      s.pullIfNeeded = () => {
        if (!s.started || s.state !== 'readable' || s.closeRequested || typeof source.pull !== 'function') return;
        if (s.readers.length === 0 && s.queue.length >= s.hwm) return;
        if (s.pulling) { s.pullAgain = true; return; }
        s.pulling = true;
        Promise.resolve().then(() => source.pull(controller)).then(() => {
          s.pulling = false;
          if (s.pullAgain) { s.pullAgain = false; s.pullIfNeeded(); }
        }, (e) => s.fail(e));
      };
      s.take = () => {
        s.disturbed = true;
        if (s.queue.length) {
          const value = s.queue.shift();
          if (s.closeRequested && s.queue.length === 0) s.finishClose();
          else s.pullIfNeeded();
          return Promise.resolve({ value, done: false });
        }
        if (s.state === 'closed') return Promise.resolve({ value: undefined, done: true });
        if (s.state === 'errored') return Promise.reject(s.storedError);
        return new Promise((resolve, reject) => { s.readers.push({ resolve, reject }); s.pullIfNeeded(); });
      };
      s.cancel = (reason) => {
        if (s.state === 'closed') return Promise.resolve();
        if (s.state === 'errored') return Promise.reject(s.storedError);
        s.queue = [];
        s.finishClose();
        return Promise.resolve(typeof source.cancel === 'function' ? source.cancel(reason) : undefined).then(() => undefined);
      };
      Promise.resolve(typeof source.start === 'function' ? source.start(controller) : undefined).then(() => {
        s.started = true; s.pullIfNeeded();
      }, (e) => s.fail(e));
    }
    static from(iterable) {
      if (iterable instanceof ReadableStream) return iterable;
      const it = iterable[Symbol.asyncIterator] ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator]();
      return new ReadableStream({
        async pull(c) { const r = await it.next(); if (r.done) c.close(); else c.enqueue(r.value); },
        async cancel(reason) { if (typeof it.return === 'function') await it.return(reason); },
      }, { highWaterMark: 0 });
    }
    get locked() { return this.#s.locked; }
    static {
      readableState = (stream) => { if (!(#s in Object(stream))) throw new TypeError('not a ReadableStream'); return stream.#s; };
      internal.isDisturbed = (stream) => !!stream.#s.disturbed;
    }
    cancel(reason) {
      if (this.#s.locked) return Promise.reject(new TypeError('Cannot cancel a locked stream'));
      return this.#s.cancel(reason);
    }
    getReader(options = {}) {
      const mode = options === undefined || options === null || options.mode === undefined ? undefined : String(options.mode);
      if (mode !== undefined && mode !== 'byob') throw new TypeError(`Invalid reader mode: '${mode}' (expected: 'byob')`);
      if (this.#s.locked) throw new TypeError('ReadableStream is locked');
      return mode === 'byob' ? new ReadableStreamBYOBReader(this) : new ReadableStreamDefaultReader(this);
    }
    pipeThrough(transform, options) {
      this.pipeTo(transform.writable, options).catch(() => {});
      return transform.readable;
    }
    async pipeTo(dest, options = {}) {
      const reader = this.getReader();
      const writer = dest.getWriter();
      const signal = options.signal;
      let abortError;
      const onAbort = () => { abortError = signal.reason; reader.cancel(signal.reason).catch(() => {}); };
      if (signal) { if (signal.aborted) onAbort(); else signal.addEventListener('abort', onAbort); }
      try {
        for (;;) {
          if (abortError !== undefined) throw abortError;
          const { value, done } = await reader.read();
          if (done) break;
          await writer.ready;
          await writer.write(value);
        }
        if (abortError !== undefined) throw abortError;
        if (!options.preventClose) await writer.close();
      } catch (e) {
        if (!options.preventAbort) await writer.abort(e).catch(() => {});
        if (!options.preventCancel) await reader.cancel(e).catch(() => {});
        throw e;
      } finally {
        if (signal) signal.removeEventListener('abort', onAbort);
        reader.releaseLock();
        writer.releaseLock();
      }
    }
    tee() {
      const reader = this.getReader();
      let pending = null;
      const branches = [];
      let cancelled = 0;
      const pullBoth = () => {
        if (!pending) {
          pending = reader.read().then(({ value, done }) => {
            pending = null;
            // A byte branch's enqueue takes the chunk's buffer: the second branch gets a copy.
            const copy = bytes && !done ? value.slice() : value;
            for (let i = 0; i < branches.length; i++) {
              const c = branches[i];
              if (c.cancelled) continue;
              if (done) { if (bytes) internal.closeBytes(c.ctl); else c.ctl.close(); }
              else c.ctl.enqueue(i > 0 ? copy : value);
            }
          }, (e) => { for (const c of branches) c.ctl.error(e); });
        }
        return pending;
      };
      const bytes = this.#s.bytes;
      const make = () => {
        const b = { cancelled: false, ctl: null };
        branches.push(b);
        return new ReadableStream({
          type: bytes ? 'bytes' : undefined,
          start(c) { b.ctl = c; },
          pull: pullBoth,
          cancel(reason) { b.cancelled = true; if (++cancelled === 2) return reader.cancel(reason); },
        }, { highWaterMark: 0 });
      };
      return [make(), make()];
    }
    values(options = {}) {
      const reader = this.getReader();
      const preventCancel = !!options.preventCancel;
      return {
        next: () => reader.read().then((r) => { if (r.done) reader.releaseLock(); return r; }),
        return: async (value) => { if (!preventCancel) await reader.cancel(value); reader.releaseLock(); return { value, done: true }; },
        [Symbol.asyncIterator]() { return this; },
      };
    }
    [Symbol.asyncIterator](options) { return this.values(options); }
  }

  // Marks a stream's state locked by a new reader or writer and returns the `closed` promise
  // that settles when the stream closes or errors.
  function lockStream(s, kind) {
    if (s.locked) throw new TypeError(kind + ' is locked');
    s.locked = true;
    const closed = new Promise((resolve, reject) => {
      if (s.state === 'closed') resolve();
      else if (s.state === 'errored') reject(s.storedError);
      else s.closedWaiters.push({ resolve, reject });
    });
    closed.catch(() => {});
    return closed;
  }

  class ReadableStreamDefaultReader {
    #s; #released = false;
    constructor(stream) {
      const s = readableState(stream);
      this.#s = s;
      this.closed = lockStream(s, 'ReadableStream');
    }
    read() {
      if (this.#released) return Promise.reject(new TypeError('Reader has been released'));
      return this.#s.take();
    }
    cancel(reason) {
      if (this.#released) return Promise.reject(new TypeError('Reader has been released'));
      return this.#s.cancel(reason);
    }
    releaseLock() {
      if (this.#released) return;
      this.#released = true;
      this.#s.locked = false;
      for (const r of this.#s.readers.splice(0)) r.reject(new TypeError('Reader was released'));
    }
  }

  class WritableStreamDefaultController {
    #fail;
    constructor(key, fail) { if (key !== internal) throw new TypeError('Illegal constructor'); this.#fail = fail; this.signal = new AbortController().signal; }
    error(e) { this.#fail(e); }
  }

  class WritableStream {
    #s;
    constructor(sink = {}, strategy = {}) {
      const s = this.#s = {
        state: 'writable', queue: [], writing: false, hwm: strategy.highWaterMark === undefined ? 1 : Number(strategy.highWaterMark),
        storedError: undefined, locked: false, closeReq: null, readyWaiters: [], closedWaiters: [], started: false,
      };
      const fail = (e) => {
        if (s.state === 'errored' || s.state === 'closed') return;
        s.state = 'errored'; s.storedError = e;
        for (const w of s.queue.splice(0)) w.reject(e);
        if (s.closeReq) s.closeReq.reject(e);
        for (const w of s.closedWaiters.splice(0)) w.reject(e);
        for (const w of s.readyWaiters.splice(0)) w.reject(e);
      };
      const controller = new WritableStreamDefaultController(internal, fail);
      const advance = () => {
        if (!s.started || s.writing || s.state !== 'writable') return;
        if (s.queue.length) {
          const w = s.queue.shift();
          s.writing = true;
          Promise.resolve().then(() => (typeof sink.write === 'function' ? sink.write(w.chunk, controller) : undefined)).then(() => {
            s.writing = false; w.resolve();
            if (s.queue.length < s.hwm) for (const r of s.readyWaiters.splice(0)) r.resolve();
            advance();
          }, (e) => { s.writing = false; w.reject(e); fail(e); });
        } else if (s.closeReq) {
          s.writing = true;
          Promise.resolve().then(() => (typeof sink.close === 'function' ? sink.close() : undefined)).then(() => {
            s.state = 'closed'; s.closeReq.resolve();
            for (const w of s.closedWaiters.splice(0)) w.resolve();
          }, (e) => { s.closeReq.reject(e); fail(e); });
        }
      };
      s.write = (chunk) => {
        if (s.state === 'errored') return Promise.reject(s.storedError);
        if (s.state !== 'writable' || s.closeReq) return Promise.reject(new TypeError('Cannot write to a closing or closed stream'));
        return new Promise((resolve, reject) => { s.queue.push({ chunk, resolve, reject }); advance(); });
      };
      s.close = () => {
        if (s.state === 'errored') return Promise.reject(s.storedError);
        if (s.closeReq || s.state !== 'writable') return Promise.reject(new TypeError('Cannot close a closing or closed stream'));
        return new Promise((resolve, reject) => { s.closeReq = { resolve, reject }; advance(); });
      };
      s.abort = (reason) => {
        if (s.state === 'closed' || s.state === 'errored') return Promise.resolve();
        fail(reason);
        return Promise.resolve(typeof sink.abort === 'function' ? sink.abort(reason) : undefined).then(() => undefined);
      };
      s.ready = () => (s.queue.length + (s.writing ? 1 : 0) <= s.hwm ? Promise.resolve()
        : new Promise((resolve, reject) => s.readyWaiters.push({ resolve, reject })));
      s.desiredSize = () => (s.state === 'errored' ? null : s.state === 'closed' ? 0 : s.hwm - s.queue.length - (s.writing ? 1 : 0));
      Promise.resolve(typeof sink.start === 'function' ? sink.start(controller) : undefined).then(() => {
        s.started = true; advance();
      }, fail);
    }
    get locked() { return this.#s.locked; }
    static { writableState = (stream) => { if (!(#s in Object(stream))) throw new TypeError('not a WritableStream'); return stream.#s; }; }
    getWriter() { return new WritableStreamDefaultWriter(this); }
    abort(reason) { if (this.#s.locked) return Promise.reject(new TypeError('WritableStream is locked')); return this.#s.abort(reason); }
    close() { if (this.#s.locked) return Promise.reject(new TypeError('WritableStream is locked')); return this.#s.close(); }
  }

  class WritableStreamDefaultWriter {
    #s; #released = false;
    constructor(stream) {
      const s = writableState(stream);
      this.#s = s;
      this.closed = lockStream(s, 'WritableStream');
    }
    get ready() { return this.#s.ready(); }
    get desiredSize() { return this.#s.desiredSize(); }
    write(chunk) { return this.#released ? Promise.reject(new TypeError('Writer has been released')) : this.#s.write(chunk); }
    close() { return this.#released ? Promise.reject(new TypeError('Writer has been released')) : this.#s.close(); }
    abort(reason) { return this.#released ? Promise.reject(new TypeError('Writer has been released')) : this.#s.abort(reason); }
    releaseLock() { if (!this.#released) { this.#released = true; this.#s.locked = false; } }
  }

  class TransformStream {
    #readable; #writable;
    constructor(transformer = {}, writableStrategy = {}, readableStrategy = {}) {
      let rc;
      let backpressure = null; // resolves when the readable side wants more
      let pullRequested = false; // the readable side asked before a write was waiting
      this.#readable = new ReadableStream({
        start(c) { rc = c; },
        pull() { if (backpressure) { const b = backpressure; backpressure = null; b(); } else pullRequested = true; },
        cancel(reason) { if (typeof transformer.cancel === 'function') return transformer.cancel(reason); },
      }, { highWaterMark: readableStrategy.highWaterMark === undefined ? 0 : readableStrategy.highWaterMark });
      const controller = {
        enqueue: (chunk) => rc.enqueue(chunk),
        error: (e) => rc.error(e),
        terminate: () => { try { rc.close(); } catch (e) { /* already closed */ } },
        get desiredSize() { return rc.desiredSize; },
      };
      const started = Promise.resolve(typeof transformer.start === 'function' ? transformer.start(controller) : undefined);
      this.#writable = new WritableStream({
        async write(chunk) {
          await started;
          if (!pullRequested && rc.desiredSize <= 0) await new Promise((resolve) => { backpressure = resolve; });
          pullRequested = false;
          if (typeof transformer.transform === 'function') await transformer.transform(chunk, controller);
          else controller.enqueue(chunk);
        },
        async close() {
          await started;
          if (typeof transformer.flush === 'function') await transformer.flush(controller);
          controller.terminate();
        },
        abort(reason) { rc.error(reason); },
      }, writableStrategy);
    }
    get readable() { return this.#readable; }
    get writable() { return this.#writable; }
  }

  class CountQueuingStrategy { constructor({ highWaterMark }) { this.highWaterMark = highWaterMark; } size() { return 1; } }
  class ByteLengthQueuingStrategy { constructor({ highWaterMark }) { this.highWaterMark = highWaterMark; } size(c) { return c.byteLength; } }

  Object.assign(internal, { ReadableStream, WritableStream, TransformStream });
  for (const [k, v] of Object.entries({ ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader,
    ReadableByteStreamController, ReadableStreamBYOBRequest, WritableStream,
    WritableStreamDefaultWriter, TransformStream, CountQueuingStrategy, ByteLengthQueuingStrategy,
    ReadableStreamDefaultController, WritableStreamDefaultController })) defineGlobal(k, v);
})
