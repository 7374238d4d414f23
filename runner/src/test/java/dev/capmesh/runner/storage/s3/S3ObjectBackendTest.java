package dev.capmesh.runner.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.proto.v1.S3Backend;
import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.storage.ByteRange;
import dev.capmesh.runner.storage.Conditions;
import dev.capmesh.runner.storage.ObjectInfo;
import dev.capmesh.runner.storage.ObjectPage;
import dev.capmesh.runner.storage.ObjectQuery;
import dev.capmesh.runner.storage.ObjectRead;
import dev.capmesh.runner.storage.ObjectWrite;
import dev.capmesh.testing.s3.S3TestServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link S3ObjectBackend} against a real S3-compatible server (s3proxy, AWS V4 signatures). */
class S3ObjectBackendTest {
  static final String KEY_ID = "AKIDTESTKEY0000001";
  static final String SECRET = "s3cr3t-0f-the-t3st-s3rver-do-not-leak";
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  static S3TestServer server;
  @TempDir Path dir;
  private String bucket;
  private S3ObjectBackend backend;

  @BeforeAll static void startServer() {
    server = S3TestServer.start(KEY_ID, SECRET);
  }

  @AfterAll static void stopServer() {
    server.close();
  }

  @BeforeEach void setUp() {
    bucket = "bucket-" + BUCKETS.incrementAndGet();
    server.createBucket(bucket);
    backend = backend(bucket, Map.of("KEY_ID", KEY_ID, "SECRET", SECRET), Duration.ofSeconds(5));
  }

  @AfterEach void tearDown() {
    backend.close();
  }

  static S3Backend.Builder spec(String bucket) {
    return S3Backend.newBuilder().setEndpoint(server.endpoint().toString()).setRegion("us-east-1")
        .setBucket(bucket).setPathStyle(true);
  }

  S3ObjectBackend backend(String bucket, Map<String, String> env, Duration timeout) {
    return S3ObjectBackend.create(spec(bucket).setAccessKeyIdEnv("KEY_ID").setSecretAccessKeyEnv("SECRET").build(),
        dir, env::get, timeout);
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** The exception a stage failed with. */
  static Throwable failure(CompletionStage<?> stage) throws Exception {
    try {
      stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return S3Errors.unwrap(e.getCause());
    }
    throw new AssertionError("the stage succeeded");
  }

  static byte[] readAll(BodyStream body) throws Exception {
    return BodyStreams.readAll(body, 64L << 20).get(60, TimeUnit.SECONDS);
  }

  static String text(ObjectRead read) throws Exception {
    return new String(readAll(read.body()), UTF_8);
  }

  ObjectInfo put(String key, String value) throws Exception {
    return await(backend.put(key, BodyStreams.of(value.getBytes(UTF_8)), ObjectWrite.PLAIN, Conditions.NONE));
  }

  /** Reads a body chunk by chunk (never holding it whole) and answers its SHA-256. */
  static String digestOf(BodyStream body) throws Exception {
    var md = MessageDigest.getInstance("SHA-256");
    while (true) {
      ByteBuffer chunk = await(body.read());
      if (chunk == null) {
        return HexFormat.of().formatHex(md.digest());
      }
      md.update(chunk);
    }
  }

  static String md5(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(UTF_8)));
  }

  S3ObjectBackend backend() {
    return backend;
  }

  String bucketName() {
    return bucket;
  }

  @Test void describesBucketAndEndpoint() {
    assertThat(backend.describe()).isEqualTo("S3 bucket " + bucket + " at " + server.endpoint());
    assertThat(backend.describe()).doesNotContain(SECRET).doesNotContain(KEY_ID);
  }

  @Test void putGetHeadRoundTrip() throws Exception {
    var write = new ObjectWrite(
        Map.of("contentType", "text/markdown", "contentLanguage", "de-CH",
            "contentDisposition", "attachment; filename=\"a.txt\"", "contentEncoding", "identity",
            "cacheControl", "max-age=60", "cacheExpiry", "Tue, 01 Dec 2026 10:00:00 GMT"),
        Map.of("owner", "alice", "MixedCase", "Grüße, \"quoted\"", "x-looks-encoded", "=?UTF-8?B?no?=",
            "spaces in key", "  padded  "),
        Map.of());
    ObjectInfo put = await(backend.put("dir/hello.txt", BodyStreams.of("hello world".getBytes(UTF_8)), write,
        Conditions.NONE));
    assertThat(put.key()).isEqualTo("dir/hello.txt");
    assertThat(put.size()).isEqualTo(11);
    assertThat(put.etag()).isEqualTo(md5("hello world"));
    assertThat(put.checksums()).containsEntry("md5", md5("hello world"));
    assertThat(put.httpMetadata()).isEqualTo(write.httpMetadata());
    assertThat(put.customMetadata()).isEqualTo(write.customMetadata());

    ObjectInfo head = await(backend.head("dir/hello.txt"));
    assertThat(head).isEqualTo(put);

    ObjectRead read = await(backend.get("dir/hello.txt", Conditions.NONE, null));
    assertThat(read.info()).isEqualTo(put);
    assertThat(read.range()).isNull();
    assertThat(read.body().knownLength()).isEqualTo(11);
    assertThat(text(read)).isEqualTo("hello world");
  }

  @Test void absentObjects() throws Exception {
    assertThat(await(backend.head("nope"))).isNull();
    assertThat(await(backend.get("nope", Conditions.NONE, null))).isNull();
    assertThat(await(backend.get("nope", Conditions.NONE, new ByteRange(0L, 0L, null)))).isNull();
    assertThat(await(backend.get("nope", new Conditions(List.of("*"), List.of(), null, null), null))).isNull();
  }

  @Test void unicodeKeysAndEmptyObjects() throws Exception {
    put("ünïcödé/ключ 🗝", "v");
    put("empty", "");
    assertThat(text(await(backend.get("ünïcödé/ключ 🗝", Conditions.NONE, null)))).isEqualTo("v");
    ObjectRead empty = await(backend.get("empty", Conditions.NONE, null));
    assertThat(empty.info().size()).isZero();
    assertThat(readAll(empty.body())).isEmpty();
  }

  @Test void overwriteChangesVersion() throws Exception {
    ObjectInfo first = put("k", "one");
    ObjectInfo second = put("k", "two");
    assertThat(second.version()).isNotEqualTo(first.version());
    assertThat(second.etag()).isNotEqualTo(first.etag());
    assertThat(text(await(backend.get("k", Conditions.NONE, null)))).isEqualTo("two");
  }

  @Test void ranges() throws Exception {
    put("r", "0123456789");
    ObjectRead mid = await(backend.get("r", Conditions.NONE, new ByteRange(2L, 3L, null)));
    assertThat(text(mid)).isEqualTo("234");
    assertThat(mid.range()).isEqualTo(new ByteRange.Resolved(2, 3));
    assertThat(mid.info().size()).isEqualTo(10);

    ObjectRead tail = await(backend.get("r", Conditions.NONE, new ByteRange(7L, null, null)));
    assertThat(text(tail)).isEqualTo("789");
    assertThat(tail.range()).isEqualTo(new ByteRange.Resolved(7, 3));

    ObjectRead suffix = await(backend.get("r", Conditions.NONE, new ByteRange(null, null, 4L)));
    assertThat(text(suffix)).isEqualTo("6789");
    assertThat(suffix.range()).isEqualTo(new ByteRange.Resolved(6, 4));

    ObjectRead longSuffix = await(backend.get("r", Conditions.NONE, new ByteRange(null, null, 50L)));
    assertThat(text(longSuffix)).isEqualTo("0123456789");

    ObjectRead clamped = await(backend.get("r", Conditions.NONE, new ByteRange(8L, 100L, null)));
    assertThat(text(clamped)).isEqualTo("89");
    assertThat(clamped.range()).isEqualTo(new ByteRange.Resolved(8, 2));

    ObjectRead none = await(backend.get("r", Conditions.NONE, new ByteRange(3L, 0L, null)));
    assertThat(readAll(none.body())).isEmpty();
    assertThat(none.range()).isEqualTo(new ByteRange.Resolved(3, 0));
    assertThat(none.info().size()).isEqualTo(10);

    assertThat(failure(backend.get("r", Conditions.NONE, new ByteRange(10L, null, null))))
        .hasMessageContaining("range");

    put("empty", "");
    ObjectRead ofEmpty = await(backend.get("empty", Conditions.NONE, new ByteRange(0L, 5L, null)));
    assertThat(readAll(ofEmpty.body())).isEmpty();
    assertThat(ofEmpty.range()).isEqualTo(new ByteRange.Resolved(0, 0));
  }

  @Test void conditionalGets() throws Exception {
    ObjectInfo info = put("c", "content");
    Instant past = info.uploaded().minusSeconds(3600);
    Instant future = info.uploaded().plusSeconds(3600);

    ObjectRead wrongTag = await(backend.get("c", new Conditions(List.of("nope"), List.of(), null, null), null));
    assertThat(wrongTag.body()).isNull();
    assertThat(wrongTag.info()).isEqualTo(info);

    ObjectRead rightTag = await(backend.get("c", new Conditions(List.of("other", info.etag()), List.of(), null, null), null));
    assertThat(text(rightTag)).isEqualTo("content");

    assertThat(await(backend.get("c", new Conditions(List.of(), List.of(info.etag()), null, null), null)).body()).isNull();
    assertThat(await(backend.get("c", new Conditions(List.of(), List.of("*"), null, null), null)).body()).isNull();
    assertThat(text(await(backend.get("c", new Conditions(List.of(), List.of("nope"), null, null), null))))
        .isEqualTo("content");

    assertThat(await(backend.get("c", new Conditions(List.of(), List.of(), past, null), null)).body()).isNull();
    assertThat(text(await(backend.get("c", new Conditions(List.of(), List.of(), future, null), null))))
        .isEqualTo("content");
    assertThat(await(backend.get("c", new Conditions(List.of(), List.of(), null, future), null)).body()).isNull();
    assertThat(text(await(backend.get("c", new Conditions(List.of(), List.of(), null, past), null))))
        .isEqualTo("content");

    // RFC 9110: a given If-Match decides instead of If-Unmodified-Since.
    assertThat(text(await(backend.get("c", new Conditions(List.of(info.etag()), List.of(), past, null), null))))
        .isEqualTo("content");
    // Conditions and a range together.
    ObjectRead ranged = await(backend.get("c", new Conditions(List.of("*"), List.of(), null, null),
        new ByteRange(1L, 2L, null)));
    assertThat(text(ranged)).isEqualTo("on");
  }

  @Test void conditionalPuts() throws Exception {
    var ifAbsent = new Conditions(List.of(), List.of("*"), null, null);
    ObjectInfo created = await(backend.put("p", BodyStreams.of("first".getBytes(UTF_8)), ObjectWrite.PLAIN, ifAbsent));
    assertThat(created).isNotNull();
    GeneratedBody refused = new GeneratedBody(100, 10, true);
    assertThat(await(backend.put("p", refused, ObjectWrite.PLAIN, ifAbsent))).isNull();
    assertThat(refused.cancelled).isTrue();
    assertThat(text(await(backend.get("p", Conditions.NONE, null)))).isEqualTo("first");

    var wrongTag = new Conditions(List.of("0123"), List.of(), null, null);
    assertThat(await(backend.put("p", BodyStreams.of("x".getBytes(UTF_8)), ObjectWrite.PLAIN, wrongTag))).isNull();
    var rightTag = new Conditions(List.of(created.etag()), List.of(), null, null);
    ObjectInfo replaced = await(backend.put("p", BodyStreams.of("second".getBytes(UTF_8)), ObjectWrite.PLAIN, rightTag));
    assertThat(replaced.etag()).isEqualTo(md5("second"));
    assertThat(text(await(backend.get("p", Conditions.NONE, null)))).isEqualTo("second");

    var modifiedSinceFuture = new Conditions(List.of(), List.of(), null, Instant.now().plusSeconds(3600));
    assertThat(await(backend.put("p", BodyStreams.of("third".getBytes(UTF_8)), ObjectWrite.PLAIN,
        modifiedSinceFuture))).isNull();
    // If-Match on an absent key never holds.
    assertThat(await(backend.put("absent", BodyStreams.of("x".getBytes(UTF_8)), ObjectWrite.PLAIN,
        new Conditions(List.of("*"), List.of(), null, null)))).isNull();
    assertThat(await(backend.head("absent"))).isNull();
  }

  @Test void checksumsVerifiedByTheServer() throws Exception {
    put("sum", "old");
    String body = "checked body";
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(UTF_8)));
    ObjectInfo ok = await(backend.put("sum", BodyStreams.of(body.getBytes(UTF_8)),
        new ObjectWrite(Map.of(), Map.of(), Map.of("md5", md5(body), "sha256", sha256)), Conditions.NONE));
    assertThat(ok.etag()).isEqualTo(md5(body));
    assertThat(await(backend.head("sum")).checksums()).containsEntry("md5", md5(body));

    for (String alg : List.of("md5", "sha1", "sha256")) {
      String wrong = alg.equals("md5") ? md5("other") : alg.equals("sha1") ? "00".repeat(20) : "00".repeat(32);
      Throwable e = failure(backend.put("sum", BodyStreams.of("tampered".getBytes(UTF_8)),
          new ObjectWrite(Map.of(), Map.of(), Map.of(alg, wrong)), Conditions.NONE));
      assertThat(e).as(alg).hasMessageContaining("checksum").hasMessageContaining(bucket);
    }
    assertThat(text(await(backend.get("sum", Conditions.NONE, null)))).isEqualTo(body);
  }

  @Test void checksumsS3CannotCheckAreCheckedHere() throws Exception {
    put("sum", "old");
    String body = "sha-512 body";
    String sha512 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(body.getBytes(UTF_8)));
    String sha384 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-384").digest(body.getBytes(UTF_8)));
    ObjectInfo ok = await(backend.put("sum", BodyStreams.of(body.getBytes(UTF_8)),
        new ObjectWrite(Map.of(), Map.of(), Map.of("sha512", sha512, "sha384", sha384)), Conditions.NONE));
    assertThat(ok.size()).isEqualTo(body.length());
    assertThat(text(await(backend.get("sum", Conditions.NONE, null)))).isEqualTo(body);

    Throwable e = failure(backend.put("sum", BodyStreams.of("tampered".getBytes(UTF_8)),
        new ObjectWrite(Map.of(), Map.of(), Map.of("sha512", sha512)), Conditions.NONE));
    assertThat(e).hasMessageContaining("sha512 checksum");
    assertThat(text(await(backend.get("sum", Conditions.NONE, null)))).isEqualTo(body);

    assertThat(failure(backend.put("sum", BodyStreams.of("x".getBytes(UTF_8)),
        new ObjectWrite(Map.of(), Map.of(), Map.of("md5", "zz")), Conditions.NONE))).hasMessageContaining("hex");
  }

  @Test void streamsAMultiMebibyteBodyOfKnownLength() throws Exception {
    long size = 20L << 20;
    var body = new GeneratedBody(size, 64 << 10, true);
    ObjectInfo info = await(backend.put("big", body, ObjectWrite.PLAIN, Conditions.NONE));
    assertThat(body.overlappingRead).isFalse();
    assertThat(info.size()).isEqualTo(size);
    assertThat(info.etag()).isEqualTo(GeneratedBody.digest("MD5", size));
    assertThat(digestOf(await(backend.get("big", Conditions.NONE, null)).body())).isEqualTo(GeneratedBody.digest("SHA-256", size));
    ObjectRead part = await(backend.get("big", Conditions.NONE, new ByteRange(5L << 20, 1000L, null)));
    byte[] bytes = readAll(part.body());
    assertThat(bytes).hasSize(1000);
    for (int i = 0; i < bytes.length; i++) {
      assertThat(bytes[i]).isEqualTo(GeneratedBody.byteAt((5L << 20) + i));
    }
  }

  @Test void streamsABodyOfUnknownLengthAsAMultipartUpload() throws Exception {
    long size = (2L * S3ObjectBackend.DEFAULT_PART_SIZE) + 12345;
    var body = new GeneratedBody(size, 100_000, false);
    String sha256 = GeneratedBody.digest("SHA-256", size);
    ObjectInfo info = await(backend.put("multi", body,
        new ObjectWrite(Map.of("contentType", "application/x-test"), Map.of("k", "v"), Map.of("sha256", sha256)),
        Conditions.NONE));
    assertThat(body.overlappingRead).isFalse();
    assertThat(info.size()).isEqualTo(size);
    assertThat(info.etag()).endsWith("-3");
    assertThat(info.httpMetadata()).containsEntry("contentType", "application/x-test");
    assertThat(info.customMetadata()).containsEntry("k", "v");
    assertThat(digestOf(await(backend.get("multi", Conditions.NONE, null)).body())).isEqualTo(sha256);

    // A wrong digest aborts the upload: the object stays as it was.
    Throwable e = failure(backend.put("multi", new GeneratedBody(size, 100_000, false),
        new ObjectWrite(Map.of(), Map.of(), Map.of("sha256", "11".repeat(32))), Conditions.NONE));
    assertThat(e).hasMessageContaining("sha256 checksum");
    assertThat(await(backend.head("multi")).etag()).isEqualTo(info.etag());

    // A short body of unknown length is one PutObject.
    ObjectInfo small = await(backend.put("small", new GeneratedBody(1000, 300, false), ObjectWrite.PLAIN,
        Conditions.NONE));
    assertThat(small.etag()).isEqualTo(GeneratedBody.digest("MD5", 1000));
  }

  @Test void aBodyThatFailsStoresNothing() throws Exception {
    put("f", "kept");
    BodyStream failing = new BodyStream() {
      int reads;

      @Override public CompletionStage<ByteBuffer> read() {
        if (reads++ < 3) {
          return java.util.concurrent.CompletableFuture.completedFuture(ByteBuffer.wrap(new byte[1000]));
        }
        return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("client went away"));
      }

      @Override public void cancel() {}

      @Override public long knownLength() {
        return 10_000;
      }
    };
    assertThat(failure(backend.put("f", failing, ObjectWrite.PLAIN, Conditions.NONE)))
        .hasMessageContaining(bucket);
    assertThat(text(await(backend.get("f", Conditions.NONE, null)))).isEqualTo("kept");
    // A body shorter than announced is refused too.
    assertThat(failure(backend.put("f", new GeneratedBody(10, 10, false) {
      @Override public long knownLength() {
        return 20;
      }
    }, ObjectWrite.PLAIN, Conditions.NONE))).hasMessageContaining(bucket);
    assertThat(text(await(backend.get("f", Conditions.NONE, null)))).isEqualTo("kept");
  }

  @Test void cancellingAGetReleasesTheConnection() throws Exception {
    await(backend.put("big", new GeneratedBody(8L << 20, 64 << 10, true), ObjectWrite.PLAIN, Conditions.NONE));
    for (int i = 0; i < 80; i++) {
      // More abandoned reads than the client has connections (64).
      ObjectRead r = await(backend.get("big", Conditions.NONE, null));
      assertThat(await(r.body().read()).remaining()).isPositive();
      r.body().cancel();
      assertThat(await(r.body().read())).isNull();
    }
    assertThat(await(backend.head("big")).size()).isEqualTo(8L << 20);
  }

  @Test void listing() throws Exception {
    for (String k : List.of("a/1", "a/2", "a/b/3", "b", "c", "é", "z")) {
      put(k, k);
    }
    ObjectPage all = await(backend.list(new ObjectQuery("", null, null, null, 1000)));
    assertThat(all.objects()).extracting(ObjectInfo::key).containsExactly("a/1", "a/2", "a/b/3", "b", "c", "z", "é");
    assertThat(all.truncated()).isFalse();
    assertThat(all.cursor()).isNull();
    assertThat(all.objects().getFirst().size()).isEqualTo(3);
    assertThat(all.objects().getFirst().etag()).isEqualTo(md5("a/1"));
    assertThat(all.objects().getFirst().version()).isEqualTo(await(backend.head("a/1")).version());

    ObjectPage prefixed = await(backend.list(new ObjectQuery("a/", "/", null, null, 1000)));
    assertThat(prefixed.objects()).extracting(ObjectInfo::key).containsExactly("a/1", "a/2");
    assertThat(prefixed.delimitedPrefixes()).containsExactly("a/b/");

    ObjectPage top = await(backend.list(new ObjectQuery("", "/", null, null, 1000)));
    assertThat(top.delimitedPrefixes()).containsExactly("a/");
    assertThat(top.objects()).extracting(ObjectInfo::key).containsExactly("b", "c", "z", "é");

    var keys = new ArrayList<String>();
    String cursor = null;
    int pages = 0;
    do {
      ObjectPage page = await(backend.list(new ObjectQuery("", null, cursor, null, 2)));
      assertThat(page.objects().size()).isLessThanOrEqualTo(2);
      page.objects().forEach(o -> keys.add(o.key()));
      cursor = page.cursor();
      assertThat(page.truncated()).isEqualTo(cursor != null);
      pages++;
    } while (cursor != null);
    assertThat(keys).containsExactly("a/1", "a/2", "a/b/3", "b", "c", "z", "é");
    assertThat(pages).isEqualTo(4);

    ObjectPage after = await(backend.list(new ObjectQuery("", null, null, "b", 1000)));
    assertThat(after.objects()).extracting(ObjectInfo::key).containsExactly("c", "z", "é");
  }

  @Test void deleting() throws Exception {
    for (String k : List.of("d1", "d2", "d3", "keep")) {
      put(k, k);
    }
    await(backend.delete(List.of("d1")));
    assertThat(await(backend.head("d1"))).isNull();
    await(backend.delete(List.of("d2", "d3", "never-there")));
    await(backend.delete(List.of("never-there")));
    await(backend.delete(List.of()));
    ObjectPage left = await(backend.list(new ObjectQuery("", null, null, null, 1000)));
    assertThat(left.objects()).extracting(ObjectInfo::key).containsExactly("keep");
  }

  @Test void missingBucketIsNamed() throws Exception {
    S3ObjectBackend missing = backend("no-such-bucket", Map.of("KEY_ID", KEY_ID, "SECRET", SECRET), Duration.ofSeconds(5));
    try {
      Throwable e = failure(missing.get("k", Conditions.NONE, null));
      assertThat(e).isInstanceOf(S3BackendException.class).hasMessageContaining("S3 bucket no-such-bucket at")
          .hasMessageContaining("NoSuchBucket");
      assertThat(failure(missing.list(new ObjectQuery("", null, null, null, 10)))).hasMessageContaining("NoSuchBucket");
      assertThat(failure(missing.put("k", BodyStreams.of(new byte[] {1}), ObjectWrite.PLAIN, Conditions.NONE)))
          .hasMessageContaining("NoSuchBucket");
    } finally {
      missing.close();
    }
  }

  @Test void settingsAreChecked() {
    assertThatThrownBy(() -> S3ObjectBackend.create(spec("b").build(), dir, v -> null, Duration.ofSeconds(1)))
        .hasMessageContaining("no credentials");
    assertThatThrownBy(() -> S3ObjectBackend.create(spec("b").setAccessKeyIdEnv("A").build(), dir, v -> null,
        Duration.ofSeconds(1))).hasMessageContaining("secretAccessKeyEnv");
    assertThatThrownBy(() -> S3ObjectBackend.create(spec("b").setEndpoint("http://user:" + SECRET + "@127.0.0.1:1")
        .setCredentialsFile("c").build(), dir, v -> null, Duration.ofSeconds(1)))
        .hasMessageContaining("user info").hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> S3ObjectBackend.create(spec("b").setEndpoint("ftp://127.0.0.1")
        .setCredentialsFile("c").build(), dir, v -> null, Duration.ofSeconds(1))).hasMessageContaining("endpoint");
    assertThatThrownBy(() -> S3ObjectBackend.create(spec("").setCredentialsFile("c").build(), dir, v -> null,
        Duration.ofSeconds(1))).hasMessageContaining("bucket");
  }
}
