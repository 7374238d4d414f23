package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FormData, multipart bodies and BYOB reads where the input is hostile or large: the body limit
 * applies to {@code formData()}, parsing stays linear on bodies built to defeat it, and bodies
 * that arrive from the network read with a BYOB reader (the differential cases against Node are
 * in {@link JsWebConformanceTest}: areas form and streams-bytes).
 */
class JsFormDataTest {
  static JsRuntime runtime;

  @BeforeAll static void start() {
    runtime = JsRuntime.create();
  }

  @AfterAll static void stop() {
    runtime.close();
  }

  /** Echoes what formData() made of the request body, or the error it threw. */
  private static final String FORM_ECHO = """
      export default { async fetch(request) {
        try {
          const fd = await request.formData();
          let n = 0, last = null, files = 0;
          for (const [k, v] of fd) { n++; last = k; if (typeof v !== 'string') files++; }
          return Response.json({ n, last, files });
        } catch (e) { return Response.json({ error: e.name, message: e.message }); }
      } };
      """;

  private static JsWorker worker(String source, long maxBodyBytes) {
    return JsWorker.builder(runtime, "form", WorkerCode.modules(WorkerModule.esModule("main.js", source)))
        .limits(new JsLimits(Duration.ofSeconds(60), 50, maxBodyBytes))
        .poolSize(1)
        .build();
  }

  /** POSTs body; waits up to a generous deadline (a hung or quadratic parse fails it, a slow machine does not). */
  private static String post(JsWorker w, String contentType, byte[] body) throws Exception {
    var response = w.fetch(new ServiceRequest("POST", "http://form.test/", List.of(Map.entry("content-type", contentType)),
            BodyStreams.of(body), JsTesting.nextId()))
        .toCompletableFuture().get(300, TimeUnit.SECONDS);
    byte[] out = BodyStreams.readAll(response.body(), 1 << 20).get(300, TimeUnit.SECONDS);
    assertThat(response.status()).as(new String(out, StandardCharsets.UTF_8)).isEqualTo(200);
    return new String(out, StandardCharsets.UTF_8);
  }

  @Test void formDataOfABodyOverTheLimitFailsNamingTheLimit() throws Exception {
    JsWorker w = worker(FORM_ECHO, 64 * 1024);
    try {
      String big = "a=" + "x".repeat(100 * 1024);
      String answer = post(w, "application/x-www-form-urlencoded", big.getBytes(StandardCharsets.UTF_8));
      assertThat(answer).contains("\"error\":\"RangeError\"").contains("limit of 65536 bytes");
      var multipart = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f\"\r\n\r\n"
          + "y".repeat(100 * 1024) + "\r\n--b--\r\n";
      answer = post(w, "multipart/form-data; boundary=b", multipart.getBytes(StandardCharsets.UTF_8));
      assertThat(answer).contains("\"error\":\"RangeError\"").contains("limit of 65536 bytes");
      // Just under the limit parses.
      answer = post(w, "application/x-www-form-urlencoded", ("a=" + "x".repeat(60 * 1024)).getBytes(StandardCharsets.UTF_8));
      assertThat(answer).isEqualTo("{\"n\":1,\"last\":\"a\",\"files\":0}");
    } finally {
      w.close();
    }
  }

  @Test void aBodyOfNearMissDelimitersParsesInLinearTime() throws Exception {
    // A 70-byte boundary, and a part whose value is CR LF -- plus 69 of its bytes and one wrong
    // byte, again and again: a naive search compares ~70 bytes at every position.
    String boundary = "a".repeat(70);
    String nearMiss = "\r\n--" + "a".repeat(69) + "b";
    var body = new ByteArrayOutputStream();
    body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"v\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    byte[] miss = nearMiss.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < (4 << 20) / miss.length; i++) {
      body.writeBytes(miss);
    }
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    JsWorker w = worker(FORM_ECHO, 32L << 20);
    try {
      String answer = post(w, "multipart/form-data; boundary=" + boundary, body.toByteArray());
      assertThat(answer).isEqualTo("{\"n\":1,\"last\":\"v\",\"files\":0}");
    } finally {
      w.close();
    }
  }

  @Test void aHugePartCountParsesEveryPart() throws Exception {
    var body = new StringBuilder();
    int parts = 50_000;
    for (int i = 0; i < parts; i++) {
      body.append("--B\r\nContent-Disposition: form-data; name=\"p").append(i).append('"');
      if (i % 2 == 1) {
        body.append("; filename=\"f").append(i).append('"');
      }
      body.append("\r\n\r\nv\r\n");
    }
    body.append("--B--");
    JsWorker w = worker(FORM_ECHO, 32L << 20);
    try {
      String answer = post(w, "multipart/form-data; boundary=B", body.toString().getBytes(StandardCharsets.US_ASCII));
      assertThat(answer).isEqualTo("{\"n\":" + parts + ",\"last\":\"p" + (parts - 1) + "\",\"files\":" + parts / 2 + "}");
    } finally {
      w.close();
    }
  }

  @Test void malformedMultipartIsATypeError() throws Exception {
    JsWorker w = worker(FORM_ECHO, 1 << 20);
    try {
      String part = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv";
      assertThat(post(w, "multipart/form-data", (part + "\r\n--B--").getBytes(StandardCharsets.US_ASCII)))
          .contains("\"error\":\"TypeError\"");
      assertThat(post(w, "multipart/form-data; boundary=B", part.getBytes(StandardCharsets.US_ASCII)))
          .contains("\"error\":\"TypeError\"");
      // A header section that never ends, and a part that never ends, over a large body.
      String endless = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n" + "X-A: b\r\n".repeat(100_000);
      assertThat(post(w, "multipart/form-data; boundary=B", endless.getBytes(StandardCharsets.US_ASCII)))
          .contains("\"error\":\"TypeError\"");
      assertThat(post(w, "text/plain", "a=1".getBytes(StandardCharsets.US_ASCII)))
          .contains("\"error\":\"TypeError\"").contains("multipart/form-data");
    } finally {
      w.close();
    }
  }

  @Test void aFilenameCannotInjectHeadersIntoTheMultipartBody() throws Exception {
    JsWorker w = worker("""
        export default { async fetch() {
          const fd = new FormData();
          fd.append('n\\r\\nX-Evil: 1', 'v');
          fd.append('f', new Blob(['body']), 'a.txt"\\r\\nContent-Type: text/evil\\r\\n\\r\\nsmuggled');
          const r = new Response(fd);
          const text = await r.clone().text();
          const back = await r.formData();
          const f = back.get('f');
          return Response.json({ raw: text.includes('\\r\\nContent-Type: text/evil') || text.includes('\\r\\nX-Evil'),
            name: f.name, type: f.type, body: await f.text(), keys: [...back.keys()] });
        } };
        """, 1 << 20);
    try {
      var result = JsTesting.get(w, "http://form.test/");
      assertThat(result.text()).isEqualTo("{\"raw\":false,\"name\":\"a.txt\\\"\\r\\nContent-Type: text/evil\\r\\n\\r\\nsmuggled\","
          + "\"type\":\"application/octet-stream\",\"body\":\"body\",\"keys\":[\"n\\r\\nX-Evil: 1\",\"f\"]}");
    } finally {
      w.close();
    }
  }

  @Test void aRequestBodyFromTheNetworkReadsWithABYOBReader() throws Exception {
    JsWorker w = worker("""
        export default { async fetch(request) {
          const reader = request.body.getReader({ mode: 'byob' });
          const sizes = [];
          let sum = 0;
          for (;;) {
            const { value, done } = await reader.read(new Uint8Array(1000));
            if (done) break;
            sizes.push(value.length);
            for (const b of value) sum += b;
          }
          return Response.json({ total: sizes.reduce((a, b) => a + b, 0), max: Math.max(...sizes), sum });
        } };
        """, 1 << 20);
    try {
      byte[] body = new byte[10_000];
      long sum = 0;
      for (int i = 0; i < body.length; i++) {
        body[i] = (byte) (i % 251);
        sum += i % 251;
      }
      assertThat(post(w, "application/octet-stream", body))
          .isEqualTo("{\"total\":10000,\"max\":1000,\"sum\":" + sum + "}");
    } finally {
      w.close();
    }
  }
}
