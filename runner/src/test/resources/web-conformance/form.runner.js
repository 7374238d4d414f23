// Turns one Blob/File/FormData case into a plain record (see url.runner.js). Multipart bodies are
// compared with the random boundary replaced by BOUNDARY.
(function () {
  const attempt = async (fn) => {
    try { return await fn(); } catch (e) { return { throws: e.name }; }
  };
  // A part: a string, {"$bytes": [...]}, {"$blob": [parts], "type": t} or {"$file": [parts], "name": n, ...}.
  const part = (p) => {
    if (typeof p === 'string') return p;
    if (p.$bytes) return new Uint8Array(p.$bytes);
    if (p.$buffer) return new Uint8Array(p.$buffer).buffer;
    if (p.$blob) return new Blob(p.$blob.map(part), p.options);
    if (p.$file) return new File(p.$file.map(part), p.name, p.options);
    return p;
  };
  const esc = (s) => {
    let out = '';
    for (let i = 0; i < s.length; i++) {
      const u = s.charCodeAt(i);
      out += u >= 0x20 && u < 0x7f && u !== 0x5c ? s[i] : '\\u' + u.toString(16).padStart(4, '0');
    }
    return out;
  };
  const blobRecord = async (b) => {
    const out = { tag: Object.prototype.toString.call(b), size: b.size, type: b.type, text: esc(await b.text()),
      bytes: Array.from(new Uint8Array(await b.arrayBuffer())), isFile: b instanceof File, isBlob: b instanceof Blob };
    if (b instanceof File) { out.name = esc(b.name); out.lastModifiedType = typeof b.lastModified; }
    return out;
  };
  const entries = async (fd) => {
    const out = [];
    for (const [k, v] of fd) out.push([esc(k), typeof v === 'string' ? esc(v) : await blobRecord(v)]);
    return out;
  };
  const unboundary = async (r) => {
    const ct = r.headers.get('content-type');
    const m = /boundary=(.*)$/.exec(ct);
    let text = await r.text();
    if (m) text = text.split(m[1]).join('BOUNDARY');
    return { contentType: m ? ct.replace(m[1], 'BOUNDARY') : ct, body: esc(text) };
  };
  const buildForm = (ops) => {
    const fd = new FormData();
    const results = [];
    for (const [op, ...args] of ops) {
      try { const r = fd[op](...args.map((a) => (a !== null && typeof a === 'object' ? part(a) : a))); results.push(r === undefined ? null : r instanceof Blob ? 'blob' : r); }
      catch (e) { results.push({ throws: e.name }); }
    }
    return [fd, results];
  };
  return async function run(c) {
    if ('blob' in c) {
      return attempt(async () => {
        const b = c.file !== undefined ? new File(c.blob.map(part), c.file, c.options) : new Blob(c.blob.map(part), c.options);
        if (c.summary) {
          // A large blob: its size and what its stream delivers, chunk sizes and a checksum.
          const sizes = [];
          let sum = 0;
          let at = 0;
          for await (const chunk of b.stream()) {
            sizes.push(chunk.length);
            for (let i = 0; i < chunk.length; i++, at++) if (at % 97 === 0) sum = (sum * 31 + chunk[i] + at) % 1000003;
          }
          return { size: b.size, total: sizes.reduce((x, y) => x + y, 0), sum, text: (await b.text()).length };
        }
        const out = await blobRecord(b);
        if (c.file !== undefined && c.options && c.options.lastModified !== undefined) out.lastModified = b.lastModified;
        if (c.slice) out.slices = await Promise.all(c.slice.map(async (args) => blobRecord(b.slice(...args))));
        if (c.stream) {
          const chunks = [];
          for await (const chunk of b.stream()) for (const x of chunk) chunks.push(x);
          out.streamed = chunks;
        }
        return out;
      });
    }
    if ('blobArgs' in c) return attempt(async () => blobRecord(new Blob(...c.blobArgs)));
    if ('fileArgs' in c) return attempt(async () => blobRecord(new File(...c.fileArgs)));
    if ('form' in c) {
      return attempt(async () => {
        const [fd, results] = buildForm(c.form);
        const out = { results, entries: await entries(fd), tag: Object.prototype.toString.call(fd) };
        if (c.get) out.get = await Promise.all(c.get.map(async (n) => { const v = fd.get(n); return v === null || typeof v === 'string' ? v : blobRecord(v); }));
        if (c.serialize) out.serialized = await unboundary(new Response(fd));
        if (c.roundTrip) out.roundTrip = await entries(await new Response(fd).formData());
        if (c.request) out.request = await entries(await new Request('http://x/', { method: 'POST', body: fd }).formData());
        return out;
      });
    }
    if ('parse' in c) {
      return attempt(async () => {
        const body = c.bytes ? new Uint8Array(c.parse) : c.parse;
        const headers = c.contentType === null ? {} : { 'content-type': c.contentType };
        const r = c.as === 'request' ? new Request('http://x/', { method: 'POST', body, headers }) : new Response(body, { headers });
        return entries(await r.formData());
      });
    }
    if ('bodyBlob' in c) {
      return attempt(async () => {
        const headers = c.contentType === undefined ? {} : { 'content-type': c.contentType };
        const r = new Response(c.bodyBlob, { headers });
        return blobRecord(await r.blob());
      });
    }
    if ('blobBody' in c) {
      return attempt(async () => {
        const r = new Response(new Blob(c.blobBody, c.options));
        return { contentType: r.headers.get('content-type'), text: esc(await r.text()) };
      });
    }
    throw new Error('unknown case');
  };
})()
