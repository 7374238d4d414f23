package dev.capmesh.runner.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET/HEAD/PUT/DELETE over a bucket as {@code env.STORAGE.fetch} serves them, edge cases first. */
class ObjectHttpTest {
  @TempDir Path dir;
  private ExecutorService io;
  private EmbeddedObjectBackend backend;
  private ObjectBucket bucket;

  @BeforeEach void setUp() throws Exception {
    io = Executors.newFixedThreadPool(2);
    backend = EmbeddedObjectBackend.open(dir.resolve("b"), io, Clock.systemUTC(), "the embedded object store");
    bucket = new ObjectBucket(backend, Duration.ofSeconds(10), UnaryOperator.identity());
  }

  @AfterEach void tearDown() {
    backend.close();
    io.shutdownNow();
  }

  /** A response with its body read. */
  record Answer(int status, Map<String, String> headers, String body) {}

  private Answer call(String method, String path, String body, String... headers) throws Exception {
    var h = new ArrayList<Map.Entry<String, String>>();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      h.add(Map.entry(headers[i], headers[i + 1]));
    }
    BodyStream b = body == null ? BodyStreams.empty() : BodyStreams.of(body.getBytes(UTF_8));
    ServiceResponse r = ObjectHttp.serve(bucket, method, path, h, b).toCompletableFuture().get(30, TimeUnit.SECONDS);
    var out = new java.util.LinkedHashMap<String, String>();
    r.headers().forEach(e -> out.put(e.getKey(), e.getValue()));
    byte[] bytes = BodyStreams.readAll(r.body(), 1 << 20).get(30, TimeUnit.SECONDS);
    return new Answer(r.status(), out, new String(bytes, UTF_8));
  }

  @Test
  void putGetHeadDeleteRoundTrip() throws Exception {
    Answer put = call("PUT", "/docs/a%20b.json", "{\"x\":1}", "Content-Type", "application/json",
        "Cache-Control", "no-store", "Expires", "Wed, 21 Oct 2037 07:28:00 GMT");
    assertThat(put.status()).isEqualTo(200);
    String etag = put.headers().get("etag");
    assertThat(etag).matches("\"[0-9a-f]{32}\"");
    assertThat(await(bucket.head("docs/a b.json")).httpMetadata())
        .containsEntry("contentType", "application/json").containsEntry("cacheControl", "no-store");

    Answer get = call("GET", "/docs/a%20b.json", null);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.body()).isEqualTo("{\"x\":1}");
    assertThat(get.headers()).containsEntry("etag", etag).containsEntry("content-type", "application/json")
        .containsEntry("content-length", "7").containsEntry("accept-ranges", "bytes")
        .containsEntry("cache-control", "no-store").containsEntry("expires", "Wed, 21 Oct 2037 07:28:00 GMT")
        .containsKey("last-modified");
    Answer head = call("HEAD", "/docs/a%20b.json", null);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers()).containsEntry("content-length", "7").containsEntry("etag", etag);

    assertThat(call("DELETE", "/docs/a%20b.json", null).status()).isEqualTo(204);
    assertThat(call("GET", "/docs/a%20b.json", null).status()).isEqualTo(404);
    assertThat(call("HEAD", "/docs/a%20b.json", null).status()).isEqualTo(404);
    assertThat(call("DELETE", "/docs/a%20b.json", null).status()).isEqualTo(204);
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void rangesAnswer206Or416() throws Exception {
    call("PUT", "/r", "0123456789");
    Answer a = call("GET", "/r", null, "Range", "bytes=2-4");
    assertThat(a.status()).isEqualTo(206);
    assertThat(a.body()).isEqualTo("234");
    assertThat(a.headers()).containsEntry("content-range", "bytes 2-4/10").containsEntry("content-length", "3");
    assertThat(call("GET", "/r", null, "Range", "bytes=7-").body()).isEqualTo("789");
    Answer suffix = call("GET", "/r", null, "Range", "bytes=-3");
    assertThat(suffix.body()).isEqualTo("789");
    assertThat(suffix.headers()).containsEntry("content-range", "bytes 7-9/10");
    assertThat(call("GET", "/r", null, "Range", "bytes=8-100").headers()).containsEntry("content-range", "bytes 8-9/10");
    Answer past = call("GET", "/r", null, "Range", "bytes=10-");
    assertThat(past.status()).isEqualTo(416);
    assertThat(past.headers()).containsEntry("content-range", "bytes */10");
    // Malformed, multiple or reversed ranges: the whole object (RFC 9110 lets a server ignore Range).
    for (String ignored : List.of("bytes=4-2", "bytes=0-1,4-5", "items=0-1", "bytes=x-y", "bytes=99999999999999999999-")) {
      Answer whole = call("GET", "/r", null, "Range", ignored);
      assertThat(whole.status()).as(ignored).isEqualTo(200);
      assertThat(whole.body()).isEqualTo("0123456789");
    }
    assertThat(call("GET", "/r", null, "Range", "bytes=0-1", "If-Range", "\"x\"").status()).isEqualTo(200);
    call("PUT", "/empty", "");
    Answer empty = call("GET", "/empty", null, "Range", "bytes=0-");
    assertThat(empty.status()).isEqualTo(200);
    assertThat(empty.headers()).containsEntry("content-length", "0");
  }

  @Test
  void conditionalHeadersAnswer304Or412() throws Exception {
    String etag = call("PUT", "/c", "v1").headers().get("etag");
    String past = ObjectHttp.HTTP_DATE.format(Instant.now().minusSeconds(3600));
    String future = ObjectHttp.HTTP_DATE.format(Instant.now().plusSeconds(3600));
    assertThat(call("GET", "/c", null, "If-None-Match", etag).status()).isEqualTo(304);
    assertThat(call("GET", "/c", null, "If-None-Match", "W/" + etag).status()).isEqualTo(304);
    assertThat(call("HEAD", "/c", null, "If-None-Match", "\"other\", " + etag).status()).isEqualTo(304);
    assertThat(call("GET", "/c", null, "If-None-Match", "\"other\"").status()).isEqualTo(200);
    assertThat(call("GET", "/c", null, "If-Match", "\"other\"").status()).isEqualTo(412);
    assertThat(call("GET", "/c", null, "If-Match", "W/" + etag).status()).isEqualTo(412);
    assertThat(call("GET", "/c", null, "If-Match", etag).status()).isEqualTo(200);
    assertThat(call("GET", "/c", null, "If-Match", "*").status()).isEqualTo(200);
    assertThat(call("GET", "/c", null, "If-Modified-Since", future).status()).isEqualTo(304);
    assertThat(call("GET", "/c", null, "If-Modified-Since", past).status()).isEqualTo(200);
    assertThat(call("GET", "/c", null, "If-Unmodified-Since", past).status()).isEqualTo(412);
    assertThat(call("GET", "/c", null, "If-Unmodified-Since", future).status()).isEqualTo(200);
    // If-None-Match decides instead of If-Modified-Since; an invalid date is ignored.
    assertThat(call("GET", "/c", null, "If-None-Match", "\"other\"", "If-Modified-Since", future).status()).isEqualTo(200);
    assertThat(call("GET", "/c", null, "If-Modified-Since", "yesterday").status()).isEqualTo(200);
    Answer notModified = call("GET", "/c", null, "If-None-Match", etag);
    assertThat(notModified.headers()).containsEntry("etag", etag);
    assertThat(notModified.body()).isEmpty();

    assertThat(call("PUT", "/c", "v2", "If-None-Match", "*").status()).isEqualTo(412);
    assertThat(call("PUT", "/new", "n", "If-None-Match", "*").status()).isEqualTo(200);
    assertThat(call("PUT", "/c", "v2", "If-Match", "\"stale\"").status()).isEqualTo(412);
    assertThat(call("PUT", "/c", "v2", "If-Match", etag).status()).isEqualTo(200);
    assertThat(call("GET", "/c", null).body()).isEqualTo("v2");
    assertThat(call("DELETE", "/c", null, "If-Match", etag).status()).isEqualTo(412);
    assertThat(call("GET", "/c", null).status()).isEqualTo(200);
  }

  @Test
  void contentMd5IsChecked() throws Exception {
    String good = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest("body".getBytes(UTF_8)));
    assertThat(call("PUT", "/m", "body", "Content-MD5", good).status()).isEqualTo(200);
    Answer mismatch = call("PUT", "/m2", "other", "Content-MD5", good);
    assertThat(mismatch.status()).isEqualTo(400);
    assertThat(mismatch.body()).contains("md5 checksum of the received bytes").contains("nothing was stored");
    assertThat(call("GET", "/m2", null).status()).isEqualTo(404);
  }

  @Test
  void otherMethodsAndBadPathsAreRefused() throws Exception {
    Answer post = call("POST", "/x", "b");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.headers()).containsEntry("allow", "GET, HEAD, PUT, DELETE");
    assertThat(call("PATCH", "/x", null).status()).isEqualTo(405);
    assertThat(call("GET", "/", null).status()).isEqualTo(400);
    assertThat(call("GET", "/%zz", null).body()).contains("malformed percent escape");
    assertThat(call("GET", "/%ff", null).body()).contains("not UTF-8");
    Answer tooLong = call("PUT", "/" + "k".repeat(1025), "v");
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.body()).contains("the key is 1025 bytes in UTF-8, over the key length limit of 1024 bytes");
    assertThat(call("PUT", "/bad-md5", "v", "Content-MD5", "nope").body()).contains("Content-MD5 must be");
    assertThat(ObjectHttp.key("/%2e%2e/%2Fetc")).isEqualTo("../KEYetc".replace("KEY", "/"));
  }
}
