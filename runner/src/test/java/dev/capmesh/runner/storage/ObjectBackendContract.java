package dev.capmesh.runner.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ObjectBackend} does, whatever it stores in: a subclass supplies a fresh,
 * empty backend and inherits these tests (the embedded backend here; an S3 backend against a
 * real S3-compatible server can extend it too).
 */
public abstract class ObjectBackendContract {
  protected ObjectBackend backend;

  /** A new, empty backend; closed after each test. */
  protected abstract ObjectBackend newBackend() throws Exception;

  @BeforeEach void openBackend() throws Exception {
    backend = newBackend();
  }

  @AfterEach void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  // ---------------------------------------------------------------- helpers

  protected static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The failure a stage ends with (unwrapped). */
  protected static Throwable failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("did not fail: " + e, e);
    }
    throw new AssertionError("did not fail");
  }

  /** {@code data} in chunks of {@code size} bytes; counts reads outstanding at once. */
  protected static final class Chunks implements BodyStream {
    final byte[] data;
    final int size;
    int at;
    final AtomicInteger reading = new AtomicInteger();
    volatile int maxConcurrentReads;
    volatile boolean cancelled;
    final int failAfter;

    Chunks(byte[] data, int size) {
      this(data, size, -1);
    }

    /** Fails the read after {@code failAfter} bytes were delivered (-1: never). */
    Chunks(byte[] data, int size, int failAfter) {
      this.data = data;
      this.size = size;
      this.failAfter = failAfter;
    }

    @Override public CompletionStage<@Nullable ByteBuffer> read() {
      int now = reading.incrementAndGet();
      maxConcurrentReads = Math.max(maxConcurrentReads, now);
      // Complete on another thread, as a socket or a worker would.
      return CompletableFuture.supplyAsync(() -> {
        try {
          if (failAfter >= 0 && at >= failAfter) {
            throw new IllegalStateException("the writer's stream broke");
          }
          if (at >= data.length) {
            return null;
          }
          int n = Math.min(size, data.length - at);
          ByteBuffer b = ByteBuffer.wrap(data, at, n).slice();
          at += n;
          return b;
        } finally {
          reading.decrementAndGet();
        }
      });
    }

    @Override public void cancel() {
      cancelled = true;
    }
  }

  protected static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  protected static String hex(String algorithm, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
  }

  protected @Nullable ObjectInfo put(String key, byte[] data) throws Exception {
    return await(backend.put(key, BodyStreams.of(data), ObjectWrite.PLAIN, Conditions.NONE));
  }

  protected static byte[] bytes(@Nullable ObjectRead read) throws Exception {
    assertThat(read).isNotNull();
    assertThat(read.body()).isNotNull();
    return await(BodyStreams.readAll(read.body(), Long.MAX_VALUE));
  }

  protected byte[] get(String key) throws Exception {
    return bytes(await(backend.get(key, Conditions.NONE, null)));
  }

  private List<String> keys(ObjectPage page) {
    return page.objects().stream().map(ObjectInfo::key).toList();
  }

  // ---------------------------------------------------------------- tests

  @Test
  void putThenGetAndHeadGiveTheBytesAndTheirMetadata() throws Exception {
    byte[] data = "héllo, world".getBytes(UTF_8);
    Instant before = Instant.now().minusSeconds(1);
    var write = new ObjectWrite(Map.of("contentType", "text/plain", "cacheControl", "max-age=60"),
        Map.of("owner", "ünïcode ✓", "empty", ""), Map.of());
    ObjectInfo info = await(backend.put("greeting.txt", BodyStreams.of(data), write, Conditions.NONE));
    assertThat(info).isNotNull();
    assertThat(info.key()).isEqualTo("greeting.txt");
    assertThat(info.size()).isEqualTo(data.length);
    assertThat(info.etag()).isEqualTo(hex("MD5", data));
    assertThat(info.checksums()).containsEntry("md5", hex("MD5", data));
    assertThat(info.uploaded()).isAfter(before).isBefore(Instant.now().plusSeconds(1));
    assertThat(info.httpMetadata()).isEqualTo(write.httpMetadata());
    assertThat(info.customMetadata()).isEqualTo(write.customMetadata());

    assertThat(await(backend.head("greeting.txt"))).isEqualTo(info);
    ObjectRead read = await(backend.get("greeting.txt", Conditions.NONE, null));
    assertThat(read.info()).isEqualTo(info);
    assertThat(read.range()).isNull();
    assertThat(new String(bytes(read), UTF_8)).isEqualTo("héllo, world");
  }

  @Test
  void absentKeysAreNull() throws Exception {
    assertThat(await(backend.head("nope"))).isNull();
    assertThat(await(backend.get("nope", Conditions.NONE, null))).isNull();
    assertThat(await(backend.get("nope", Conditions.NONE, new ByteRange(0L, 1L, null)))).isNull();
  }

  @Test
  void aRewriteReplacesBytesMetadataAndVersion() throws Exception {
    ObjectInfo first = await(backend.put("k", BodyStreams.of("one".getBytes(UTF_8)),
        new ObjectWrite(Map.of(), Map.of("n", "1"), Map.of()), Conditions.NONE));
    ObjectInfo second = await(backend.put("k", BodyStreams.of("second".getBytes(UTF_8)),
        new ObjectWrite(Map.of("contentType", "a/b"), Map.of(), Map.of()), Conditions.NONE));
    assertThat(second.version()).isNotEqualTo(first.version());
    assertThat(second.customMetadata()).isEmpty();
    assertThat(second.httpMetadata()).containsEntry("contentType", "a/b");
    assertThat(new String(get("k"), UTF_8)).isEqualTo("second");
    assertThat(await(backend.head("k"))).isEqualTo(second);
  }

  @Test
  void emptyObjectsAreObjects() throws Exception {
    ObjectInfo info = put("empty", new byte[0]);
    assertThat(info.size()).isZero();
    assertThat(info.etag()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    assertThat(get("empty")).isEmpty();
  }

  @Test
  void aBodyIsPulledOneChunkAtATimeAndStoredWhole() throws Exception {
    byte[] data = random(3 * 1024 * 1024 + 17, 1);
    var body = new Chunks(data, 7 * 1024 + 3);
    ObjectInfo info = await(backend.put("big", body, ObjectWrite.PLAIN, Conditions.NONE));
    assertThat(body.maxConcurrentReads).isEqualTo(1);
    assertThat(info.size()).isEqualTo(data.length);
    assertThat(info.etag()).isEqualTo(hex("MD5", data));
    ObjectRead read = await(backend.get("big", Conditions.NONE, null));
    // The read side streams too: more than one chunk for 3 MiB.
    int chunks = 0;
    var out = new java.io.ByteArrayOutputStream();
    for (ByteBuffer c; (c = await(read.body().read())) != null; chunks++) {
      byte[] b = new byte[c.remaining()];
      c.get(b);
      out.writeBytes(b);
    }
    assertThat(chunks).isGreaterThan(1);
    assertThat(out.toByteArray()).isEqualTo(data);
  }

  @Test
  void aBodyThatFailsMidwayStoresNothingAndKeepsTheOldObject() throws Exception {
    put("k", "old".getBytes(UTF_8));
    byte[] data = random(1 << 20, 2);
    Throwable e = failure(backend.put("k", new Chunks(data, 4096, 300_000), ObjectWrite.PLAIN, Conditions.NONE));
    assertThat(e).hasMessageContaining("the writer's stream broke");
    assertThat(new String(get("k"), UTF_8)).isEqualTo("old");
    failure(backend.put("fresh", new Chunks(data, 4096, 10_000), ObjectWrite.PLAIN, Conditions.NONE));
    assertThat(await(backend.head("fresh"))).isNull();
    assertThat(keys(await(backend.list(new ObjectQuery("", null, null, null, 1000))))).containsExactly("k");
  }

  @Test
  void expectedChecksumsAreVerified() throws Exception {
    byte[] data = "checked".getBytes(UTF_8);
    for (String[] a : new String[][] {{"md5", "MD5"}, {"sha1", "SHA-1"}, {"sha256", "SHA-256"},
        {"sha384", "SHA-384"}, {"sha512", "SHA-512"}}) {
      String good = hex(a[1], data);
      ObjectInfo info = await(backend.put("c-" + a[0], BodyStreams.of(data),
          new ObjectWrite(Map.of(), Map.of(), Map.of(a[0], good.toUpperCase())), Conditions.NONE));
      assertThat(info.checksums()).containsEntry(a[0], good);
      String bad = good.substring(0, good.length() - 1) + (good.endsWith("0") ? "1" : "0");
      Throwable e = failure(backend.put("bad-" + a[0], BodyStreams.of(data),
          new ObjectWrite(Map.of(), Map.of(), Map.of(a[0], bad)), Conditions.NONE));
      assertThat(e).isInstanceOf(ChecksumMismatchException.class).hasMessageContaining(a[0]);
      assertThat(await(backend.head("bad-" + a[0]))).isNull();
    }
    put("kept", "original".getBytes(UTF_8));
    failure(backend.put("kept", BodyStreams.of(data),
        new ObjectWrite(Map.of(), Map.of(), Map.of("md5", hex("MD5", "other".getBytes(UTF_8)))), Conditions.NONE));
    assertThat(new String(get("kept"), UTF_8)).isEqualTo("original");
  }

  @Test
  void rangesSelectBytesAndAreClampedToTheEnd() throws Exception {
    put("r", "0123456789".getBytes(UTF_8));
    record Case(ByteRange range, String bytes, long offset, long length) {}
    for (Case c : List.of(
        new Case(new ByteRange(2L, 3L, null), "234", 2, 3),
        new Case(new ByteRange(7L, null, null), "789", 7, 3),
        new Case(new ByteRange(8L, 100L, null), "89", 8, 2),
        new Case(new ByteRange(0L, 0L, null), "", 0, 0),
        new Case(new ByteRange(null, null, 4L), "6789", 6, 4),
        new Case(new ByteRange(null, null, 50L), "0123456789", 0, 10))) {
      ObjectRead read = await(backend.get("r", Conditions.NONE, c.range()));
      assertThat(new String(bytes(read), UTF_8)).as("%s", c.range()).isEqualTo(c.bytes());
      assertThat(read.range()).isEqualTo(new ByteRange.Resolved(c.offset(), c.length()));
      assertThat(read.info().size()).isEqualTo(10);
    }
    for (ByteRange unsatisfiable : List.of(new ByteRange(10L, null, null), new ByteRange(11L, 1L, null))) {
      Throwable e = failure(backend.get("r", Conditions.NONE, unsatisfiable));
      assertThat(e).isInstanceOf(RangeNotSatisfiableException.class);
      assertThat(((RangeNotSatisfiableException) e).size()).isEqualTo(10);
    }
    put("e", new byte[0]);
    ObjectRead empty = await(backend.get("e", Conditions.NONE, new ByteRange(0L, null, null)));
    assertThat(bytes(empty)).isEmpty();
    assertThat(empty.range()).isEqualTo(new ByteRange.Resolved(0, 0));
  }

  @Test
  void getConditionsDecideWhetherTheBodyComes() throws Exception {
    ObjectInfo info = put("c", "x".getBytes(UTF_8));
    Instant t = info.uploaded();
    record Case(Conditions conditions, boolean body) {}
    for (Case c : List.of(
        new Case(new Conditions(List.of(info.etag()), List.of(), null, null), true),
        new Case(new Conditions(List.of("*"), List.of(), null, null), true),
        new Case(new Conditions(List.of("other", info.etag()), List.of(), null, null), true),
        new Case(new Conditions(List.of("other"), List.of(), null, null), false),
        new Case(new Conditions(List.of(), List.of(info.etag()), null, null), false),
        new Case(new Conditions(List.of(), List.of("*"), null, null), false),
        new Case(new Conditions(List.of(), List.of("other"), null, null), true),
        new Case(new Conditions(List.of(), List.of(), t.plusSeconds(5), null), true),
        new Case(new Conditions(List.of(), List.of(), t.minusSeconds(5), null), false),
        new Case(new Conditions(List.of(), List.of(), null, t.minusSeconds(5)), true),
        new Case(new Conditions(List.of(), List.of(), null, t.plusSeconds(5)), false))) {
      ObjectRead read = await(backend.get("c", c.conditions(), null));
      assertThat(read.info()).isEqualTo(info);
      assertThat(read.body() != null).as("%s", c.conditions()).isEqualTo(c.body());
      if (read.body() != null) {
        read.body().cancel();
      }
    }
  }

  @Test
  void putConditionsDecideWhetherAnythingIsStored() throws Exception {
    var ifAbsent = new Conditions(List.of(), List.of("*"), null, null);
    ObjectInfo created = await(backend.put("p", BodyStreams.of("1".getBytes(UTF_8)), ObjectWrite.PLAIN, ifAbsent));
    assertThat(created).isNotNull();
    var again = new Chunks("2".getBytes(UTF_8), 1);
    assertThat(await(backend.put("p", again, ObjectWrite.PLAIN, ifAbsent))).isNull();
    assertThat(new String(get("p"), UTF_8)).isEqualTo("1");
    var ifMatch = new Conditions(List.of(created.etag()), List.of(), null, null);
    ObjectInfo updated = await(backend.put("p", BodyStreams.of("3".getBytes(UTF_8)), ObjectWrite.PLAIN, ifMatch));
    assertThat(updated).isNotNull();
    // The tag no longer matches (the bytes changed): refused.
    assertThat(await(backend.put("p", BodyStreams.of("4".getBytes(UTF_8)), ObjectWrite.PLAIN, ifMatch))).isNull();
    assertThat(await(backend.put("absent", BodyStreams.of("x".getBytes(UTF_8)), ObjectWrite.PLAIN,
        new Conditions(List.of("*"), List.of(), null, null)))).isNull();
    assertThat(await(backend.head("absent"))).isNull();
    assertThat(new String(get("p"), UTF_8)).isEqualTo("3");
  }

  @Test
  void hostileKeysAreJustKeys() throws Exception {
    List<String> hostile = List.of("../x", "../../../../etc/passwd", "/etc/passwd", "a/../../b", ".", "..",
        "a\u0000b", "\\windows\\path", "C:\\x", "CASE", "case", "k".repeat(1024), "é".repeat(512),
        "😀/🙃", "%2e%2e%2f", " ", "\n\r\t");
    for (int i = 0; i < hostile.size(); i++) {
      put(hostile.get(i), ("v" + i).getBytes(UTF_8));
    }
    for (int i = 0; i < hostile.size(); i++) {
      assertThat(new String(get(hostile.get(i)), UTF_8)).as(hostile.get(i)).isEqualTo("v" + i);
      assertThat(await(backend.head(hostile.get(i))).key()).isEqualTo(hostile.get(i));
    }
    List<String> listed = keys(await(backend.list(new ObjectQuery("", null, null, null, 1000))));
    assertThat(listed).containsExactlyInAnyOrderElementsOf(hostile);
  }

  @Test
  void listIsInUtf8ByteOrderWithPrefixStartAfterAndPages() throws Exception {
    // U+FFFD sorts before U+1F600 in UTF-8 (and code points), after it in UTF-16.
    List<String> all = List.of("a", "a/b", "a0", "b", "\uFFFD", "😀", "\u00e9");
    for (String k : all) {
      put(k, k.getBytes(UTF_8));
    }
    assertThat(keys(await(backend.list(new ObjectQuery("", null, null, null, 1000)))))
        .containsExactly("a", "a/b", "a0", "b", "\u00e9", "\uFFFD", "😀");
    assertThat(keys(await(backend.list(new ObjectQuery("a", null, null, null, 1000)))))
        .containsExactly("a", "a/b", "a0");
    assertThat(keys(await(backend.list(new ObjectQuery("", null, null, "a0", 1000)))))
        .containsExactly("b", "\u00e9", "\uFFFD", "😀");
    assertThat(keys(await(backend.list(new ObjectQuery("zz", null, null, null, 1000))))).isEmpty();

    var seen = new ArrayList<String>();
    String cursor = null;
    int pages = 0;
    do {
      ObjectPage page = await(backend.list(new ObjectQuery("", null, cursor, null, 2)));
      assertThat(page.objects().size()).isLessThanOrEqualTo(2);
      seen.addAll(keys(page));
      assertThat(page.truncated()).isEqualTo(page.cursor() != null);
      cursor = page.cursor();
      pages++;
    } while (cursor != null);
    assertThat(seen).containsExactly("a", "a/b", "a0", "b", "\u00e9", "\uFFFD", "😀");
    assertThat(pages).isEqualTo(4);
    ObjectPage listedWithInfo = await(backend.list(new ObjectQuery("b", null, null, null, 1)));
    assertThat(listedWithInfo.objects().get(0).size()).isEqualTo(1);
    assertThat(listedWithInfo.truncated()).isFalse();
    assertThat(listedWithInfo.cursor()).isNull();
  }

  @Test
  void aDelimiterRollsKeysUpIntoPrefixesThatCountAgainstTheLimit() throws Exception {
    for (String k : List.of("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/index.html",
        "photos/z/1", "readme", "videos/x.mp4")) {
      put(k, new byte[1]);
    }
    ObjectPage top = await(backend.list(new ObjectQuery("", "/", null, null, 1000)));
    assertThat(keys(top)).containsExactly("readme");
    assertThat(top.delimitedPrefixes()).containsExactly("photos/", "videos/");
    ObjectPage photos = await(backend.list(new ObjectQuery("photos/", "/", null, null, 1000)));
    assertThat(keys(photos)).containsExactly("photos/index.html");
    assertThat(photos.delimitedPrefixes()).containsExactly("photos/2024/", "photos/2025/", "photos/z/");

    var items = new ArrayList<String>();
    String cursor = null;
    do {
      ObjectPage page = await(backend.list(new ObjectQuery("photos/", "/", cursor, null, 1)));
      assertThat(page.objects().size() + page.delimitedPrefixes().size()).isEqualTo(1);
      items.addAll(keys(page));
      items.addAll(page.delimitedPrefixes());
      cursor = page.cursor();
    } while (cursor != null);
    assertThat(items).containsExactly("photos/2024/", "photos/2025/", "photos/index.html", "photos/z/");
  }

  @Test
  void aForgedCursorIsRefused() {
    Throwable e = failure(backend.list(new ObjectQuery("", null, "not-a-cursor", null, 10)));
    assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
  }

  @Test
  void deleteRemovesManyAndIgnoresAbsentKeys() throws Exception {
    for (String k : List.of("a", "b", "c")) {
      put(k, k.getBytes(UTF_8));
    }
    await(backend.delete(List.of("a", "c", "never-there")));
    assertThat(await(backend.head("a"))).isNull();
    assertThat(await(backend.get("c", Conditions.NONE, null))).isNull();
    assertThat(keys(await(backend.list(new ObjectQuery("", null, null, null, 1000))))).containsExactly("b");
    await(backend.delete(List.of("b")));
    assertThat(await(backend.list(new ObjectQuery("", null, null, null, 1000))).objects()).isEmpty();
  }

  @Test
  void concurrentPutsToOneKeyLeaveOneWholeObject() throws Exception {
    int writers = 8;
    var bodies = new ArrayList<byte[]>();
    var stages = new ArrayList<CompletableFuture<@Nullable ObjectInfo>>();
    for (int i = 0; i < writers; i++) {
      bodies.add(random(512 * 1024 + i, 100 + i));
    }
    for (int i = 0; i < writers; i++) {
      stages.add(backend.put("contended", new Chunks(bodies.get(i), 8192), ObjectWrite.PLAIN, Conditions.NONE)
          .toCompletableFuture());
    }
    for (var s : stages) {
      assertThat(await(s)).isNotNull();
    }
    byte[] stored = get("contended");
    ObjectInfo info = await(backend.head("contended"));
    assertThat(bodies).anySatisfy(b -> assertThat(b).isEqualTo(stored));
    assertThat(info.etag()).isEqualTo(hex("MD5", stored));
    assertThat(info.size()).isEqualTo(stored.length);
  }

  @Test
  void concurrentCreateIfAbsentPutsStoreExactlyOne() throws Exception {
    var ifAbsent = new Conditions(List.of(), List.of("*"), null, null);
    var stages = new ArrayList<CompletableFuture<@Nullable ObjectInfo>>();
    for (int i = 0; i < 6; i++) {
      stages.add(backend.put("once", new Chunks(random(64 * 1024, i), 4096), ObjectWrite.PLAIN, ifAbsent)
          .toCompletableFuture());
    }
    int stored = 0;
    ObjectInfo winner = null;
    for (var s : stages) {
      ObjectInfo info = await(s);
      if (info != null) {
        stored++;
        winner = info;
      }
    }
    assertThat(stored).isEqualTo(1);
    assertThat(await(backend.head("once"))).isEqualTo(winner);
  }

  @Test
  void aReadStartedBeforeARewriteReadsTheOldBytes() throws Exception {
    byte[] old = random(1 << 20, 7);
    put("v", old);
    ObjectRead read = await(backend.get("v", Conditions.NONE, null));
    put("v", "new".getBytes(UTF_8));
    assertThat(bytes(read)).isEqualTo(old);
    assertThat(new String(get("v"), UTF_8)).isEqualTo("new");
  }

  @Test
  void describeNamesTheStoreAndNoPath() {
    assertThat(backend.describe()).isNotBlank().doesNotContain("/tmp").doesNotContain("\\");
  }
}
