package dev.capmesh.runner.js;

import static dev.capmesh.runner.js.JsTesting.eval;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Standard behaviour of the web APIs inside a worker; each case returns JSON to compare. */
class JsWebApiTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  private static String json(String asyncBody) throws Exception {
    var r = eval(runtime, asyncBody);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.text();
  }

  @Test void urlParsingAndSerialization() throws Exception {
    assertThat(json("""
        const u = new URL('HTTPS://User:Pa%20ss@EXAMPLE.com:443/a/./b/../c d?x=1 2&y=é#frag ment');
        const rel = new URL('../up?q', 'http://h.test/dir/sub/page');
        const ip = new URL('http://0x7f.1/');
        const port = new URL('http://h:8080');
        return Response.json([u.href, u.protocol, u.username, u.password, u.host, u.port, u.pathname,
          u.search, u.hash, u.origin, rel.href, ip.hostname, port.host, port.pathname,
          URL.canParse('not a url'), URL.canParse('/x', 'http://b/'), new URL('mailto:a@b.c').pathname]);
        """)).isEqualTo("[\"https://User:Pa%20ss@example.com/a/c%20d?x=1%202&y=%C3%A9#frag%20ment\","
        + "\"https:\",\"User\",\"Pa%20ss\",\"example.com\",\"\",\"/a/c%20d\",\"?x=1%202&y=%C3%A9\","
        + "\"#frag%20ment\",\"https://example.com\",\"http://h.test/dir/up?q\",\"127.0.0.1\",\"h:8080\",\"/\","
        + "false,true,\"a@b.c\"]");
  }

  @Test void urlSearchParams() throws Exception {
    assertThat(json("""
        const p = new URLSearchParams('?b=2&a=1&a=3&sp=a+b%20c&e=%C3%A9');
        const out = [p.get('a'), p.getAll('a'), p.get('sp'), p.get('e'), p.has('zz'), p.size];
        p.append('n', 'x y&z=é'); p.delete('b'); p.sort();
        out.push(p.toString());
        const u = new URL('http://h/p?k=v');
        u.searchParams.set('k', 'w w');
        out.push(u.href, new URLSearchParams({ q: 'a/b' }).toString(), [...new URLSearchParams([['x', '1']])]);
        return Response.json(out);
        """)).isEqualTo("[\"1\",[\"1\",\"3\"],\"a b c\",\"é\",false,5,"
        + "\"a=1&a=3&e=%C3%A9&n=x+y%26z%3D%C3%A9&sp=a+b+c\",\"http://h/p?k=w+w\",\"q=a%2Fb\",[[\"x\",\"1\"]]]");
  }

  @Test void headersCaseAndCombining() throws Exception {
    assertThat(json("""
        const h = new Headers({ 'Content-Type': 'text/plain' });
        h.append('X-Multi', 'a'); h.append('x-multi', ' b ');
        h.append('Set-Cookie', 'a=1'); h.append('Set-Cookie', 'b=2');
        let bad = null;
        try { h.append('bad name', 'x'); } catch (e) { bad = e.constructor.name; }
        return Response.json({ ct: h.get('CONTENT-TYPE'), multi: h.get('x-multi'), has: h.has('X-MULTI'),
          entries: [...h], cookies: h.getSetCookie(), bad, missing: h.get('nope') });
        """)).isEqualTo("{\"ct\":\"text/plain\",\"multi\":\"a, b\",\"has\":true,\"entries\":[[\"content-type\","
        + "\"text/plain\"],[\"set-cookie\",\"a=1\"],[\"set-cookie\",\"b=2\"],[\"x-multi\",\"a, b\"]],"
        + "\"cookies\":[\"a=1\",\"b=2\"],\"bad\":\"TypeError\",\"missing\":null}");
  }

  @Test void textEncoderDecoderNonAscii() throws Exception {
    assertThat(json("""
        const bytes = new TextEncoder().encode('aé€😀');
        const d = new TextDecoder();
        // Streaming decode split in the middle of the 4-byte emoji.
        const part = d.decode(bytes.subarray(0, 8), { stream: true }) + d.decode(bytes.subarray(8));
        let fatal = null;
        try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])); } catch (e) { fatal = e.name; }
        return Response.json({ bytes: [...bytes], whole: new TextDecoder().decode(bytes), part,
          replacement: new TextDecoder().decode(new Uint8Array([0x61, 0xc3])), fatal,
          bom: new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])) });
        """)).isEqualTo("{\"bytes\":[97,195,169,226,130,172,240,159,152,128],\"whole\":\"aé€😀\","
        + "\"part\":\"aé€😀\",\"replacement\":\"a\uFFFD\",\"fatal\":\"TypeError\",\"bom\":\"A\"}");
  }

  @Test void base64() throws Exception {
    assertThat(json("""
        let err = null;
        try { atob('***'); } catch (e) { err = e.name; }
        return Response.json([btoa('hello'), btoa(''), atob('aGVsbG8='), atob('aGk'), err]);
        """)).isEqualTo("[\"aGVsbG8=\",\"\",\"hello\",\"hi\",\"InvalidCharacterError\"]");
  }

  @Test void cryptoDigestRandomAndUuid() throws Exception {
    assertThat(json("""
        const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
        const data = new TextEncoder().encode('abc');
        const a = crypto.getRandomValues(new Uint8Array(32));
        const b = crypto.getRandomValues(new Uint8Array(32));
        return Response.json({
          sha1: hex(await crypto.subtle.digest('SHA-1', data)),
          sha256: hex(await crypto.subtle.digest({ name: 'SHA-256' }, data)),
          sha384len: (await crypto.subtle.digest('SHA-384', data)).byteLength,
          sha512len: (await crypto.subtle.digest('SHA-512', data)).byteLength,
          randomDiffers: hex(a) !== hex(b),
          uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
        });
        """)).isEqualTo("{\"sha1\":\"a9993e364706816aba3e25717850c26c9cd0d89d\","
        + "\"sha256\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\","
        + "\"sha384len\":48,\"sha512len\":64,\"randomDiffers\":true,\"uuid\":true}");
  }

  @Test void timersMicrotasksAndAbort() throws Exception {
    assertThat(json("""
        const order = [];
        setTimeout(() => order.push('timeout'), 0);
        queueMicrotask(() => order.push('micro'));
        order.push('sync');
        let ticks = 0;
        await new Promise((resolve) => { const id = setInterval(() => { if (++ticks === 3) { clearInterval(id); resolve(); } }, 5); });
        const cleared = await new Promise((resolve) => { const id = setTimeout(() => resolve('fired'), 10); clearTimeout(id); setTimeout(() => resolve('cleared'), 30); });
        const ac = new AbortController();
        let seen = null;
        ac.signal.addEventListener('abort', () => { seen = ac.signal.reason.name; });
        ac.abort();
        const timeout = await new Promise((r) => { const s = AbortSignal.timeout(5); s.onabort = () => r(s.reason.name); });
        return Response.json({ order, ticks, cleared, seen, aborted: ac.signal.aborted, timeout });
        """)).isEqualTo("{\"order\":[\"sync\",\"micro\",\"timeout\"],\"ticks\":3,\"cleared\":\"cleared\","
        + "\"seen\":\"AbortError\",\"aborted\":true,\"timeout\":\"TimeoutError\"}");
  }

  @Test void structuredCloneCases() throws Exception {
    assertThat(json("""
        const cyclic = { name: 'c' }; cyclic.self = cyclic;
        const src = { d: new Date(0), m: new Map([[1, { x: 1 }]]), s: new Set(['a']), u8: new Uint8Array([1, 2, 3]).subarray(1),
          ab: new Uint8Array([9]).buffer, err: new RangeError('boom'), arr: [1, , 3], neg: -0, nan: NaN, big: 10n, cyclic,
          re: /x+/gi, undef: undefined };
        const c = structuredClone(src);
        const errors = [];
        // A class instance is not refused: the HTML standard copies it as a plain object.
        for (const bad of [() => 1, Symbol('s'), new (class Foo {})(), { f() {} }]) {
          try { structuredClone(bad); errors.push('cloned'); } catch (e) { errors.push(e.name); }
        }
        return Response.json({ date: c.d instanceof Date && c.d.getTime() === 0, notSame: c.d !== src.d,
          map: c.m.get(1).x, set: c.s.has('a'), u8: [...c.u8], u8type: c.u8.constructor.name, ab: [...new Uint8Array(c.ab)],
          err: [c.err instanceof RangeError, c.err.message], holes: c.arr.length, negZero: Object.is(c.neg, -0),
          nan: Number.isNaN(c.nan), big: typeof c.big, cycle: c.cyclic.self === c.cyclic, re: c.re.flags,
          undef: 'undef' in c, errors });
        """)).isEqualTo("{\"date\":true,\"notSame\":true,\"map\":1,\"set\":true,\"u8\":[2,3],\"u8type\":\"Uint8Array\","
        + "\"ab\":[9],\"err\":[true,\"boom\"],\"holes\":3,\"negZero\":true,\"nan\":true,\"big\":\"bigint\","
        + "\"cycle\":true,\"re\":\"gi\",\"undef\":true,"
        + "\"errors\":[\"DataCloneError\",\"DataCloneError\",\"cloned\",\"DataCloneError\"]}");
  }

  @Test void requestAndResponseObjects() throws Exception {
    assertThat(json("""
        const r = new Request('http://h/p', { method: 'post', body: 'hi', headers: { 'X-A': '1' } });
        const clone = r.clone();
        const j = Response.json({ a: 1 }, { status: 201 });
        const red = Response.redirect('http://h/next', 301);
        let getBody = null;
        try { new Request('http://h/', { body: 'x' }); } catch (e) { getBody = e.name; }
        const used = new Response('once'); await used.text();
        let reuse = null;
        try { await used.text(); } catch (e) { reuse = e.name; }
        return Response.json({ method: r.method, text: await r.text(), cloneText: await clone.text(),
          ct: r.headers.get('content-type'), jstatus: j.status, jbody: await j.json(), jok: j.ok,
          red: [red.status, red.headers.get('location')], getBody, reuse, bodyUsed: used.bodyUsed });
        """)).isEqualTo("{\"method\":\"POST\",\"text\":\"hi\",\"cloneText\":\"hi\",\"ct\":\"text/plain;charset=UTF-8\","
        + "\"jstatus\":201,\"jbody\":{\"a\":1},\"jok\":true,\"red\":[301,\"http://h/next\"],\"getBody\":\"TypeError\","
        + "\"reuse\":\"TypeError\",\"bodyUsed\":true}");
  }

  @Test void streamsTransformAndPipe() throws Exception {
    assertThat(json("""
        const upper = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); } });
        const rs = ReadableStream.from(['a', 'b', 'c']);
        const collected = [];
        await rs.pipeThrough(upper).pipeTo(new WritableStream({ write(c) { collected.push(c); } }));
        const [t1, t2] = new Response('tee').body.tee();
        const read = async (s) => { let out = ''; for await (const c of s) out += new TextDecoder().decode(c); return out; };
        const teed = await Promise.all([read(t1), read(t2)]);
        let locked = null;
        const s = new ReadableStream({ start(c) { c.enqueue(1); c.close(); } });
        s.getReader();
        try { s.getReader(); } catch (e) { locked = e.name; }
        return Response.json({ collected, teed, locked });
        """)).isEqualTo("{\"collected\":[\"A\",\"B\",\"C\"],\"teed\":[\"tee\",\"tee\"],\"locked\":\"TypeError\"}");
  }

  @Test void consoleFormats() throws Exception {
    // Output goes to the log (asserted in JsSecretsTest); here only that console calls do not throw.
    assertThat(json("""
        console.log('a %s b %d', 'x', 42, { k: [1, 2] }, new Map([[1, 2]]));
        console.error(new Error('e'));
        return Response.json(typeof console.warn);
        """)).isEqualTo("\"function\"");
  }
}
