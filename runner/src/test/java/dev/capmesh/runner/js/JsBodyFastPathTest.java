package dev.capmesh.runner.js;

import static dev.capmesh.runner.js.JsTesting.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.service.BodyStreams;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The request path's shortcuts keep the web platform's meaning: an incoming request's URL kept
 * without parsing is exactly what the URL parser would have made of it, a body made from a
 * string or bytes (handed to the host as such, its stream made only on demand) reads, streams,
 * clones and counts as used as a streamed one does, and so does a body the host gave (kept as
 * its host handle until something asks for its stream).
 */
class JsBodyFastPathTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  /** A service that records its requests and answers each with 200 and {@code text}. */
  private static JsTesting.Recorder answering(String text) {
    return new JsTesting.Recorder(req -> dev.capmesh.runner.service.ServiceResponse.text(200, text));
  }

  /** A worker running {@code source} as main.js, with {@code env.BACK} bound to {@code back}. */
  private static JsWorker.Builder withBack(String name, String source, dev.capmesh.runner.service.HttpService back) {
    return JsWorker.builder(runtime, name, WorkerCode.modules(WorkerModule.esModule("main.js", source)))
        .binding("BACK", EnvBinding.Service.of(back));
  }

  /** Incoming URLs the runtime keeps without parsing them. */
  private static final List<String> KEPT_URLS = List.of(
      "http://example.com/", "http://example.com/a/b?c=d&e=f", "https://a-b.example.org:8443/x",
      "http://127.0.0.1:18080/", "http://x:65535/", "http://10.0.0.255:1000/p'q?r", "http://x/~user/%41%zz");
  /** Incoming URLs left to the parser: each is changed by it. */
  private static final List<String> PARSED_URLS = List.of(
      "http://x/a/./b", "http://x/a/../b", "http://x/%2E%2e/c", "http://x/a/.", "http://Example.COM/",
      "http://x:80/", "https://x:443/", "http://x:0080/", "http://127.1/",
      "http://1.2.3.04/", "http://0x7f.0.0.1/", "http://x/{a}^b|c", "http://x/?q='1'", "http://x/a b",
      "http://x./", "http://xn--nxasmq6b.com/", "http://x/\u00e9", "HTTP://x/", "http://x/?a#b");

  /** The host's test of an incoming URL (WorkerContext.isCanonicalUrl) keeps what the runtime keeps. */
  @Test void theHostKeepsOnlyUrlsTheParserWouldNotChange() {
    assertThat(KEPT_URLS).allMatch(WorkerContext::isCanonicalUrl);
    assertThat(PARSED_URLS).noneMatch(WorkerContext::isCanonicalUrl);
    // Line ends, a missing path, ports out of range, dot segments in any case, other schemes.
    assertThat(List.of("http://x/a\n", "http://x/a\r\n", "http://x", "http://x:65536/", "http://x/.%2E/",
        "http://XN--a.b/", "http://x.xn--a/", "ftp://x/")).noneMatch(WorkerContext::isCanonicalUrl);
  }

  @Test void incomingUrlsAreWhatTheParserMakesOfThem() throws Exception {
    JsWorker w = JsTesting.module(runtime, """
        export default { async fetch(request) {
          return new Response(request.url + ' ' + new URL(request.url).href);
        } };
        """);
    try {
      var urls = new java.util.ArrayList<>(KEPT_URLS);
      urls.addAll(PARSED_URLS);
      for (String url : urls) {
        String[] got = get(w, url).text().split(" ", -1);
        assertThat(got).as(url).hasSize(2);
        assertThat(got[0]).as("request.url of %s is what the parser makes of it", url).isEqualTo(got[1]);
      }
      // And what the parser makes of them is the URL Standard's answer.
      assertThat(get(w, "http://x/a/./b").text()).startsWith("http://x/a/b ");
      assertThat(get(w, "http://x:80/").text()).startsWith("http://x/ ");
      assertThat(get(w, "http://Example.COM/").text()).startsWith("http://example.com/ ");
      assertThat(get(w, "http://127.1/").text()).startsWith("http://127.0.0.1/ ");
      assertThat(get(w, "http://x/?q='1'").text()).startsWith("http://x/?q=%271%27 ");
      assertThat(get(w, "http://x/p'q").text()).startsWith("http://x/p'q ");
    } finally {
      w.close();
    }
  }

  @Test void stringAndByteBodiesReachTheClientIntact() throws Exception {
    JsWorker w = JsTesting.module(runtime, """
        export default { async fetch(request) {
          const p = new URL(request.url).pathname;
          if (p === '/lone') return new Response('a\\ud800b');
          if (p === '/bytes') return new Response(new Uint8Array([0, 1, 255]));
          if (p === '/empty') return new Response('');
          if (p === '/read-first') { const r = new Response('twice'); await r.clone().text(); return r; }
          if (p === '/body-touched') { const r = new Response('touched'); r.body; return r; }
          return new Response('gr\\u00fc\\u00dfe \\u{1F600}');
        } };
        """);
    try {
      assertThat(get(w, "http://x/").body()).isEqualTo("grüße 😀".getBytes(StandardCharsets.UTF_8));
      // A lone surrogate is U+FFFD on the wire (EF BF BD), as the Encoding Standard encodes it.
      assertThat(get(w, "http://x/lone").body()).containsExactly('a', 0xef, 0xbf, 0xbd, 'b');
      assertThat(get(w, "http://x/bytes").body()).containsExactly(0, 1, 255);
      assertThat(get(w, "http://x/empty").body()).isEmpty();
      assertThat(get(w, "http://x/read-first").text()).isEqualTo("twice");
      assertThat(get(w, "http://x/body-touched").text()).isEqualTo("touched");
    } finally {
      w.close();
    }
  }

  @Test void stringBodiesReadLikeStreamedOnes() throws Exception {
    var r = JsTesting.eval(runtime, """
        const out = {};
        const a = new Response('a\\ud800b');
        out.text = await a.text();
        out.usedAfterText = a.bodyUsed;
        try { await a.text(); out.second = 'no error'; } catch (e) { out.second = e.constructor.name; }
        const b = new Response('stream me');
        const reader = b.body.getReader();
        const chunks = [];
        for (;;) { const { value, done } = await reader.read(); if (done) break; chunks.push(...value); }
        out.streamed = new TextDecoder().decode(new Uint8Array(chunks));
        try { await b.text(); out.afterLock = 'no error'; } catch (e) { out.afterLock = e.constructor.name; }
        const c = new Response('clone');
        const c2 = c.clone();
        out.clones = [await c.text(), await c2.text()];
        out.bytes = [...new Uint8Array(await new Response('\\u00e9').arrayBuffer())];
        out.json = await new Response('{"k":[1]}').json();
        const d = new Request('http://x/', { method: 'POST', body: 'posted' });
        out.request = await d.text();
        out.unusedBeforeRead = new Response('x').bodyUsed;
        // The signal is made on first use: one per request, the same on every read, never aborted by itself.
        out.signal = [request.signal instanceof AbortSignal, request.signal === request.signal, request.signal.aborted,
          d.signal !== request.signal, new Request(d.url).signal.aborted];
        return Response.json(out);
        """);
    assertThat(r.text()).isEqualTo("{\"text\":\"a\uFFFDb\",\"usedAfterText\":true,\"second\":\"TypeError\","
        + "\"streamed\":\"stream me\",\"afterLock\":\"TypeError\",\"clones\":[\"clone\",\"clone\"],"
        + "\"bytes\":[195,169],\"json\":{\"k\":[1]},\"request\":\"posted\",\"unusedBeforeRead\":false,"
        + "\"signal\":[true,true,false,true,false]}");
  }

  @Test void aStringBodyOverTheLimitIsRefusedWhenRead() throws Exception {
    // 1,000 bytes allowed: 400 characters of 'x' read; 400 of 'é' (800 bytes) read; 600 of 'é'
    // (1,200 bytes, 1,800 at most by length) are refused, like a streamed body that large.
    JsWorker w = JsWorker.builder(runtime, "limited", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(request) {
          const n = Number(new URL(request.url).searchParams.get('n'));
          const c = new URL(request.url).searchParams.get('c');
          try { return new Response(String((await new Response(c.repeat(n)).text()).length)); }
          catch (e) { return new Response(e.constructor.name + ': ' + e.message); }
        } };
        """))).limits(new JsLimits(java.time.Duration.ofSeconds(60), 50, 1000)).build();
    try {
      assertThat(get(w, "http://x/?n=400&c=x").text()).isEqualTo("400");
      assertThat(get(w, "http://x/?n=400&c=%C3%A9").text()).isEqualTo("400");
      assertThat(get(w, "http://x/?n=600&c=%C3%A9").text()).startsWith("RangeError: body is larger than the limit of 1000 bytes");
    } finally {
      w.close();
    }
  }

  @Test void postedStringsReachAServiceBindingAsBytes() throws Exception {
    var recorder = answering("ok");
    JsWorker w = withBack("poster", """
        export default { async fetch(request, env) {
          const a = await env.BACK.fetch('http://back/', { method: 'POST', body: 'caf\\u00e9 \\ud83d' });
          return new Response(await a.text());
        } };
        """, recorder).build();
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("ok");
      var sent = recorder.requests.get(0);
      byte[] body = BodyStreams.readAll(sent.body(), 1 << 20).get();
      assertThat(body).isEqualTo(new byte[] {'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9, ' ', (byte) 0xef, (byte) 0xbf, (byte) 0xbd});
      assertThat(sent.headers()).contains(java.util.Map.entry("content-type", "text/plain;charset=UTF-8"));
    } finally {
      w.close();
    }
  }

  @Test void aSignalGivenToFetchStillAborts() throws Exception {
    var hung = new java.util.concurrent.CompletableFuture<dev.capmesh.runner.service.ServiceResponse>();
    dev.capmesh.runner.service.HttpService never = req -> hung;
    JsWorker w = withBack("aborter", """
        export default { async fetch(request, env) {
          const before = new AbortController();
          before.abort();
          const during = new AbortController();
          const pending = env.BACK.fetch('http://back/', { signal: during.signal });
          setTimeout(() => during.abort(), 10);
          const names = [];
          for (const p of [env.BACK.fetch('http://back/', { signal: before.signal }), pending]) {
            try { await p; names.push('answered'); } catch (e) { names.push(e.name); }
          }
          return new Response(names.join(' '));
        } };
        """, never).build();
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo("AbortError AbortError");
    } finally {
      w.close();
    }
  }

  /**
   * Bodies the host gave (an incoming request's, a service's response) stay host handles until
   * something asks for their stream: passed on untouched they arrive whole, and read, cloned or
   * streamed they read as they always did.
   */
  @Test void hostBodiesPassedOnOrReadArriveWhole() throws Exception {
    // Reading 1 MiB as text takes over a second of CPU time while the process's first runtime
    // still holds the compiler (CompileGate), as when this class runs alone: what is tested here
    // is the bytes, so the CPU limit is out of the way.
    var roomy = JsLimits.defaults().withCpuPerRequest(java.time.Duration.ofSeconds(60));
    JsWorker back = JsWorker.builder(runtime, "back", WorkerCode.modules(WorkerModule.esModule("back.js", """
        export default { async fetch(request) {
          if (new URL(request.url).pathname === '/length') return new Response(String((await request.text()).length));
          return new Response(request.body, { headers: { 'x-used': String(request.bodyUsed) } });
        } };
        """))).limits(roomy).build();
    JsWorker front = JsWorker.builder(runtime, "front", WorkerCode.modules(WorkerModule.esModule("front.js", """
        export default { async fetch(request, env) {
          const path = new URL(request.url).pathname;
          if (path === '/forward') return env.B.fetch(request);
          if (path === '/length') return env.B.fetch(request);
          const r = await env.B.fetch('http://b/echo', { method: 'POST', body: request.body });
          if (path === '/read') { const t = await r.text(); return new Response(t.length + ' ' + r.bodyUsed); }
          if (path === '/clone') {
            const c = r.clone();
            const [x, y] = await Promise.all([c.text(), r.text()]);
            return new Response(x.length + ' ' + y.length + ' ' + (x === y));
          }
          return new Response(r.body);
        } };
        """))).binding("B", EnvBinding.Service.of(back)).limits(roomy).build();
    try {
      var text = new StringBuilder();
      for (int i = 0; text.length() < (1 << 20); i++) {
        text.append(Integer.toString(i, 36)).append(i % 7 == 0 ? '\n' : ' ');
      }
      String body = text.toString();
      var forwarded = JsTesting.post(front, "http://x/forward", body);
      assertThat(forwarded.status()).isEqualTo(200);
      assertThat(forwarded.text()).isEqualTo(body);
      assertThat(forwarded.headers()).contains(java.util.Map.entry("x-used", "false"));
      assertThat(JsTesting.post(front, "http://x/length", body).text()).isEqualTo(String.valueOf(body.length()));
      assertThat(JsTesting.post(front, "http://x/read", body).text()).isEqualTo(body.length() + " true");
      assertThat(JsTesting.post(front, "http://x/clone", body).text())
          .isEqualTo(body.length() + " " + body.length() + " true");
      assertThat(JsTesting.post(front, "http://x/stream", body).text()).isEqualTo(body);
    } finally {
      front.close();
      back.close();
    }
  }

  /**
   * A service's response kept and returned again: the host took its body the first time, so the
   * second answer is an error, never an empty body that looks like success. (One context, so that
   * both requests see the same module state.)
   */
  @Test void aReceivedResponseReturnedTwiceFailsTheSecondTime() throws Exception {
    var recorder = answering("first and only");
    JsWorker w = withBack("cacher", """
        let kept = null;
        export default { async fetch(request, env) {
          if (kept === null) kept = await env.BACK.fetch('http://back/');
          return kept;
        } };
        """, recorder).poolSize(1).build();
    try {
      var first = get(w, "http://x/");
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.text()).isEqualTo("first and only");
      var second = get(w, "http://x/");
      assertThat(second.status()).isEqualTo(500);
      assertThat(second.text()).isNotEqualTo("first and only");
      assertThat(recorder.requests).hasSize(1);
    } finally {
      w.close();
    }
  }

  /**
   * An incoming request's streamed body passed on to a service that redirects: the body went with
   * the first hop and cannot be sent again, so the fetch fails; the redirect is never followed
   * with an empty body.
   */
  @Test void aForwardedStreamedBodyIsNeverResentEmptyOnARedirect() throws Exception {
    var recorder = new JsTesting.Recorder(req -> new dev.capmesh.runner.service.ServiceResponse(307, "",
        List.of(java.util.Map.entry("location", "http://back/again")), BodyStreams.empty()));
    JsWorker w = withBack("forwarder", """
        export default { async fetch(request, env) {
          try { await env.BACK.fetch(request); return new Response('followed'); }
          catch (e) { return new Response(e.message); }
        } };
        """, recorder).build();
    try {
      assertThat(JsTesting.post(w, "http://x/", "payload").text())
          .isEqualTo("Fetch failed: cannot follow a redirect with a streamed request body");
      assertThat(recorder.requests).hasSize(1);
      assertThat(new String(BodyStreams.readAll(recorder.requests.get(0).body(), 1 << 10).get(), StandardCharsets.UTF_8))
          .isEqualTo("payload");
    } finally {
      w.close();
    }
  }

  /**
   * A Request passed to fetch alone is sent as it is, without a copy, but with the copy's rules: a
   * used body is refused (the host sees nothing), and the request's body counts as used after.
   */
  @Test void aRequestSentAloneFollowsTheCopysRules() throws Exception {
    var recorder = answering("ok");
    JsWorker w = withBack("sender", """
        export default { async fetch(request, env) {
          const out = [];
          const read = new Request('http://back/read', { method: 'POST', body: 'x' });
          await read.text();
          try { await env.BACK.fetch(read); out.push('sent'); } catch (e) { out.push(e.message); }
          const fresh = new Request('http://back/fresh', { method: 'POST', body: 'y' });
          out.push(await (await env.BACK.fetch(fresh)).text(), String(fresh.bodyUsed));
          try { await env.BACK.fetch(fresh); out.push('sent twice'); } catch (e) { out.push(e.message); }
          const plain = new Request('http://back/plain');
          out.push(await (await env.BACK.fetch(plain)).text(), await (await env.BACK.fetch(plain)).text());
          return new Response(out.join('|'));
        } };
        """, recorder).build();
    try {
      assertThat(get(w, "http://x/").text()).isEqualTo(
          "Body has already been used|ok|true|Body has already been used|ok|ok");
      assertThat(recorder.requests).extracting(dev.capmesh.runner.service.ServiceRequest::url)
          .containsExactly("http://back/fresh", "http://back/plain", "http://back/plain");
      assertThat(new String(BodyStreams.readAll(recorder.requests.get(0).body(), 1 << 10).get(), StandardCharsets.UTF_8))
          .isEqualTo("y");
    } finally {
      w.close();
    }
  }
}
