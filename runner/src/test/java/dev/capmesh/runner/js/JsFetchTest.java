package dev.capmesh.runner.js;

import static dev.capmesh.runner.js.JsTesting.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Global fetch through the outbound service, redirects, limits, and streamed bodies. */
class JsFetchTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsTesting.warmRuntime();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  private static JsWorker worker(String source, JsTesting.@Nullable Recorder outbound, JsLimits limits) {
    return JsWorker.builder(runtime, "fetcher", WorkerCode.modules(WorkerModule.esModule("main.js", source)))
        .globalOutbound(outbound).limits(limits).build();
  }

  @Test void noOutboundRejectsWithTypeErrorExplainingHowToGrant() throws Exception {
    var r = JsTesting.eval(runtime, """
        try { await fetch('http://example.com/'); return new Response('fetched'); }
        catch (e) { return new Response(e.name + ': ' + e.message); }
        """);
    assertThat(r.text()).startsWith("TypeError: ").contains("no outbound network access")
        .contains("globalOutbound");
  }

  @Test void followsRedirectsThroughTheOutboundServiceEachHop() throws Exception {
    var outbound = new JsTesting.Recorder(req -> switch (req.url()) {
      case "http://a.test/start" -> new ServiceResponse(302, "Found", List.of(Map.entry("Location", "/middle")), BodyStreams.empty());
      case "http://a.test/middle" -> new ServiceResponse(303, "", List.of(Map.entry("location", "http://b.test/end")), BodyStreams.empty());
      default -> ServiceResponse.text(200, "end " + req.method());
    });
    JsWorker w = worker("""
        export default { async fetch() {
          const r = await fetch('http://a.test/start', { method: 'POST', body: 'x' });
          return Response.json({ status: r.status, url: r.url, redirected: r.redirected, text: await r.text() });
        } };
        """, outbound, JsLimits.defaults());
    assertThat(get(w, "http://x/").text()).isEqualTo(
        "{\"status\":200,\"url\":\"http://b.test/end\",\"redirected\":true,\"text\":\"end GET\"}");
    assertThat(outbound.requests).extracting(r -> r.method() + " " + r.url()).containsExactly(
        "POST http://a.test/start", "GET http://a.test/middle", "GET http://b.test/end");
  }

  @Test void redirectModesManualErrorAndHopLimit() throws Exception {
    var outbound = new JsTesting.Recorder(req -> new ServiceResponse(307, "",
        List.of(Map.entry("location", "/again")), BodyStreams.empty()));
    JsWorker w = worker("""
        export default { async fetch() {
          const manual = await fetch('http://loop.test/', { redirect: 'manual' });
          let error = null, tooMany = null;
          try { await fetch('http://loop.test/', { redirect: 'error' }); } catch (e) { error = e.name; }
          try { await fetch('http://loop.test/'); } catch (e) { tooMany = e.message; }
          return Response.json({ manual: manual.status, error, tooMany });
        } };
        """, outbound, new JsLimits(java.time.Duration.ofSeconds(5), 100, 1 << 20));
    assertThat(get(w, "http://x/").text()).isEqualTo(
        "{\"manual\":307,\"error\":\"TypeError\",\"tooMany\":\"Fetch failed: too many redirects (more than 20)\"}");
    // 1 manual + 1 error + 20 followed hops (the 21st redirect is refused without being sent).
    assertThat(outbound.requests).hasSize(22);
  }

  @Test void subrequestLimitRejectsWithClearError() throws Exception {
    var outbound = new JsTesting.Recorder(req -> ServiceResponse.text(200, "ok"));
    JsWorker w = worker("""
        export default { async fetch() {
          let ok = 0;
          try { for (let i = 0; i < 10; i++) { await fetch('http://t.test/' + i); ok++; } }
          catch (e) { return new Response(ok + ' ' + e.message); }
          return new Response('no limit hit');
        } };
        """, outbound, new JsLimits(java.time.Duration.ofSeconds(5), 3, 1 << 20));
    assertThat(get(w, "http://x/").text()).startsWith("3 Too many subrequests")
        .contains("at most 3");
    assertThat(outbound.requests).hasSize(3);
  }

  /** A body of {@code chunks} chunks of {@code size} bytes, counting how many were pulled. */
  private static BodyStream chunked(int chunks, int size, AtomicInteger pulled) {
    return new BodyStream() {
      @Override public CompletionStage<@Nullable ByteBuffer> read() {
        if (pulled.get() == chunks) {
          return CompletableFuture.completedFuture(null);
        }
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) ('a' + pulled.getAndIncrement() % 26));
        return CompletableFuture.completedFuture(ByteBuffer.wrap(b));
      }

      @Override public void cancel() {}
    };
  }

  @Test void streamsAMultiMegabyteBodyThroughATransformInChunks() throws Exception {
    JsWorker w = worker("""
        export default { async fetch(request) {
          let chunks = 0;
          const count = new TransformStream({ transform(chunk, c) {
            chunks++;
            const out = new Uint8Array(chunk.length);
            for (let i = 0; i < chunk.length; i++) out[i] = chunk[i] - 32; // upper-case letters
            c.enqueue(out);
          }, flush(c) { c.enqueue(new TextEncoder().encode('|' + chunks)); } });
          return new Response(request.body.pipeThrough(count));
        } };
        """, null, new JsLimits(java.time.Duration.ofSeconds(10), 50, 1 << 20)); // per-byte JS loop, cold
    var pulled = new AtomicInteger();
    int chunks = 64, size = 64 * 1024; // 4 MiB
    var r = JsTesting.call(w, "POST", "http://x/", List.of(), chunked(chunks, size, pulled), "big");
    assertThat(r.status()).isEqualTo(200);
    String tail = "|" + chunks;
    assertThat(r.body().length).isEqualTo(chunks * size + tail.length());
    assertThat(new String(r.body(), 0, 3, StandardCharsets.US_ASCII)).isEqualTo("AAA");
    assertThat(new String(r.body(), size, 3, StandardCharsets.US_ASCII)).isEqualTo("BBB");
    assertThat(new String(r.body(), r.body().length - tail.length(), tail.length(), StandardCharsets.US_ASCII))
        .isEqualTo(tail);
    assertThat(pulled.get()).isEqualTo(chunks);
  }

  @Test void passesAnUntouchedUpstreamBodyThrough() throws Exception {
    var pulled = new AtomicInteger();
    JsTesting.Recorder outbound = new JsTesting.Recorder(req -> new ServiceResponse(200, "OK",
        List.of(Map.entry("content-type", "application/octet-stream")), chunked(40, 64 * 1024, pulled)));
    JsWorker w = worker("export default { fetch() { return fetch('http://up.test/big'); } };",
        outbound, JsLimits.defaults());
    var r = get(w, "http://x/");
    assertThat(r.body()).hasSize(40 * 64 * 1024);
    assertThat(r.header("content-type")).isEqualTo("application/octet-stream");
  }

  @Test void requestBodyStreamsToOutbound() throws Exception {
    var received = new AtomicInteger();
    JsTesting.Recorder outbound = new JsTesting.Recorder(req -> {
      byte[] all = BodyStreams.readAll(req.body(), 64L << 20).join();
      received.set(all.length);
      return ServiceResponse.text(200, "got " + all.length);
    });
    JsWorker w = worker("""
        export default { async fetch(request) {
          const r = await fetch('http://up.test/', { method: 'PUT', body: request.body });
          return new Response(await r.text());
        } };
        """, outbound, JsLimits.defaults());
    var r = JsTesting.call(w, "PUT", "http://x/", List.of(), chunked(32, 32 * 1024, new AtomicInteger()), "put");
    assertThat(r.text()).isEqualTo("got " + (32 * 32 * 1024));
    assertThat(received.get()).isEqualTo(32 * 32 * 1024);
  }
}
