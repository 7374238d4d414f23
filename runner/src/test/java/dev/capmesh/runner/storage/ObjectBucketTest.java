package dev.capmesh.runner.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The R2 limits and the deadline of {@link ObjectBucket}, over a real embedded store. */
class ObjectBucketTest {
  @TempDir Path dir;
  private ExecutorService io;
  private ScheduledExecutorService timer;
  private EmbeddedObjectBackend backend;
  /** A deadline no healthy store misses, however busy the machine: tests of limits use it. */
  private ObjectBucket bucket;
  /**
   * A short deadline, for the tests that block the store themselves; whatever they do before
   * blocking it goes through {@link #bucket}.
   */
  private ObjectBucket impatient;
  /** Released at the end of each test: what a test blocked the store's executor with. */
  private final CountDownLatch unblock = new CountDownLatch(1);

  @BeforeEach void setUp() throws Exception {
    io = Executors.newSingleThreadExecutor();
    timer = Executors.newSingleThreadScheduledExecutor();
    backend = EmbeddedObjectBackend.open(dir.resolve("b"), io, Clock.systemUTC(), "the embedded object store");
    bucket = new ObjectBucket(backend, Duration.ofSeconds(30), UnaryOperator.identity(), 1000);
    impatient = new ObjectBucket(backend, Duration.ofSeconds(1), UnaryOperator.identity(), 1000);
  }

  @AfterEach void tearDown() {
    unblock.countDown();
    backend.close();
    io.shutdownNow();
    timer.shutdownNow();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletionStage<?> stage) throws Exception {
    try {
      stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("did not fail");
  }

  /** Occupies the store's only I/O thread until the test ends: a stuck backend. */
  private void blockTheStore() throws InterruptedException {
    var started = new CountDownLatch(1);
    io.execute(() -> {
      started.countDown();
      try {
        unblock.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
  }

  private @Nullable ObjectInfo put(String key, String value) throws Exception {
    return await(bucket.put(key, BodyStreams.of(value.getBytes(UTF_8)), ObjectWrite.PLAIN, Conditions.NONE));
  }

  /** A body whose cancel is recorded. */
  private static final class Recorded implements BodyStream {
    final BodyStream inner;
    volatile boolean cancelled;

    Recorded(BodyStream inner) {
      this.inner = inner;
    }

    @Override public CompletionStage<@Nullable ByteBuffer> read() {
      return inner.read();
    }

    @Override public void cancel() {
      cancelled = true;
      inner.cancel();
    }

    @Override public long knownLength() {
      return inner.knownLength();
    }
  }

  /** {@code n} chunks of {@code size} bytes, each {@code delayMs} after it is asked for; unknown length. */
  private BodyStream slow(int n, int size, long delayMs) {
    return new BodyStream() {
      int sent;

      @Override public CompletionStage<@Nullable ByteBuffer> read() {
        var f = new CompletableFuture<@Nullable ByteBuffer>();
        timer.schedule(() -> f.complete(sent++ < n ? ByteBuffer.wrap(new byte[size]) : null), delayMs,
            TimeUnit.MILLISECONDS);
        return f;
      }

      @Override public void cancel() {}
    };
  }

  @Test
  void keysAreOneTo1024BytesOfWellFormedUnicode() throws Exception {
    assertThat(put("k".repeat(1024), "v")).isNotNull();
    assertThat(put("é".repeat(512), "v")).isNotNull();
    assertThatThrownBy(() -> bucket.head("k".repeat(1025))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("R2 head failed: the key is 1025 bytes in UTF-8, over the key length limit of 1024 bytes");
    assertThatThrownBy(() -> bucket.get("é".repeat(513), Conditions.NONE, null))
        .hasMessageContaining("the key is 1026 bytes in UTF-8");
    assertThatThrownBy(() -> bucket.delete(List.of(""))).hasMessage("R2 delete failed: the key is empty; a key must be 1 to 1024 bytes");
    assertThatThrownBy(() -> bucket.head("a\uD800b")).hasMessageContaining("not well-formed Unicode");
    var body = new Recorded(BodyStreams.of(new byte[1]));
    assertThatThrownBy(() -> bucket.put("\uDC00", body, ObjectWrite.PLAIN, Conditions.NONE))
        .hasMessageContaining("not well-formed Unicode");
    assertThat(body.cancelled).isTrue();
  }

  @Test
  void metadataLimits() throws Exception {
    String name = "n".repeat(48);
    Map<String, String> max = Map.of(name, "v".repeat(2048 - 48));
    assertThat(await(bucket.put("ok", BodyStreams.of(new byte[1]), new ObjectWrite(Map.of(), max, Map.of()),
        Conditions.NONE)).customMetadata()).isEqualTo(max);
    var body = new Recorded(BodyStreams.of(new byte[1]));
    assertThatThrownBy(() -> bucket.put("k", body, new ObjectWrite(Map.of(), Map.of(name, "v".repeat(2001)),
        Map.of()), Conditions.NONE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("R2 put failed: the customMetadata is 2049 bytes (names and values in UTF-8), over the "
            + "customMetadata size limit of 2048 bytes");
    assertThat(body.cancelled).isTrue();
    assertThatThrownBy(() -> bucket.put("k", BodyStreams.empty(), new ObjectWrite(Map.of("contentType",
        "text/html\r\nSet-Cookie: a=b"), Map.of(), Map.of()), Conditions.NONE))
        .hasMessageContaining("httpMetadata.contentType holds a control character");
    assertThatThrownBy(() -> bucket.put("k", BodyStreams.empty(), new ObjectWrite(Map.of("location", "x"),
        Map.of(), Map.of()), Conditions.NONE)).hasMessageContaining("unknown httpMetadata field \"location\"");
    assertThatThrownBy(() -> bucket.put("k", BodyStreams.empty(), new ObjectWrite(Map.of("cacheControl",
        "x".repeat(8000)), Map.of("a", "b".repeat(1000)), Map.of()), Conditions.NONE))
        .hasMessageContaining("over the object metadata size limit of 8192 bytes");
    assertThatThrownBy(() -> bucket.put("k", BodyStreams.empty(), new ObjectWrite(Map.of(), Map.of(),
        Map.of("md5", "abc")), Conditions.NONE)).hasMessage("R2 put failed: the md5 checksum must be 16 bytes (32 hex digits)");
    assertThatThrownBy(() -> bucket.put("k", BodyStreams.empty(), new ObjectWrite(Map.of(), Map.of(),
        Map.of("md5", "0".repeat(32), "sha1", "0".repeat(40))), Conditions.NONE)).hasMessageContaining("at most one checksum");
    assertThatThrownBy(() -> bucket.put("k", BodyStreams.empty(), new ObjectWrite(Map.of(), Map.of(),
        Map.of("crc32", "00000000")), Conditions.NONE)).hasMessageContaining("unknown checksum \"crc32\"");
    assertThat(await(bucket.head("k"))).isNull();
  }

  @Test
  void aBodyOverTheUploadLimitStoresNothing() throws Exception {
    var known = new Recorded(BodyStreams.of(new byte[1001]));
    assertThatThrownBy(() -> bucket.put("k", known, ObjectWrite.PLAIN, Conditions.NONE))
        .hasMessage("R2 put failed: the object is at least 1001 bytes, over the maximum upload size of 1000 "
            + "bytes; nothing was stored");
    assertThat(known.cancelled).isTrue();
    var streamed = new Recorded(slow(5, 300, 1));
    Throwable e = failure(bucket.put("k", streamed, ObjectWrite.PLAIN, Conditions.NONE));
    assertThat(e).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("over the maximum upload size of 1000 bytes");
    assertThat(streamed.cancelled).isTrue();
    assertThat(await(bucket.head("k"))).isNull();
    assertThat(await(bucket.put("k", slow(4, 250, 1), ObjectWrite.PLAIN, Conditions.NONE)).size()).isEqualTo(1000);
  }

  @Test
  void listAndDeleteLimits() throws Exception {
    for (double bad : new double[] {0, 1001, 1.5, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> bucket.list(null, null, null, null, bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("the list limit is an integer from 1 to 1000");
    }
    assertThatThrownBy(() -> bucket.list("p".repeat(1025), null, null, null, null))
        .hasMessageContaining("the prefix is 1025 bytes");
    put("a", "1");
    put("b", "2");
    assertThat(await(bucket.list(null, null, null, null, 1.0)).objects()).hasSize(1);
    assertThat(await(bucket.list(null, null, null, null, null)).objects()).hasSize(2);
    assertThat(failure(bucket.list(null, null, "forged", null, null))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("R2 list failed: the cursor is not one a list() of this bucket returned");
    List<String> many = new ArrayList<>(Collections.nCopies(1001, "a"));
    assertThatThrownBy(() -> bucket.delete(many)).hasMessageContaining("1001 keys given; one delete removes at most 1000 keys");
    await(bucket.delete(many.subList(0, 1000)));
    assertThat(await(bucket.head("a"))).isNull();
  }

  @Test
  void aStuckBackendRejectsWithinTheDeadlineNamingTheCause() throws Exception {
    put("k", "v");
    blockTheStore();
    for (CompletionStage<?> stage : List.of(impatient.head("k"), impatient.get("k", Conditions.NONE, null),
        impatient.delete(List.of("k")), impatient.list(null, null, null, null, null))) {
      Throwable e = failure(stage);
      assertThat(e).isInstanceOf(ObjectBucket.BucketException.class)
          .hasMessageMatching("R2 (head|get|delete|list) failed: the embedded object store did not answer within 1000 ms");
    }
    var body = new Recorded(BodyStreams.of(new byte[10]));
    assertThat(failure(impatient.put("k", body, ObjectWrite.PLAIN, Conditions.NONE)))
        .hasMessage("R2 put failed: the embedded object store did not answer within 1000 ms");
    assertThat(body.cancelled).isTrue();
  }

  @Test
  void aSlowWriterIsNotTheBackendsDelay() throws Exception {
    // 5 chunks 600 ms apart: 3 s in all, over a 2 s deadline (a margin a busy store keeps on
    // each of its turns); the store answers each chunk at once.
    var deadline2s = new ObjectBucket(backend, Duration.ofSeconds(2), UnaryOperator.identity(), 1000);
    ObjectInfo info = await(deadline2s.put("slow", slow(5, 100, 600), ObjectWrite.PLAIN, Conditions.NONE));
    assertThat(info.size()).isEqualTo(500);
  }

  @Test
  void aGetBodyThatStallsFailsNamingTheCause() throws Exception {
    await(bucket.put("k", BodyStreams.of(new byte[900]), ObjectWrite.PLAIN, Conditions.NONE));
    ObjectRead read = await(impatient.get("k", Conditions.NONE, null));
    blockTheStore();
    assertThat(failure(read.body().read())).isInstanceOf(ObjectBucket.BucketException.class)
        .hasMessage("R2 get failed: the embedded object store did not answer within 1000 ms");
  }

  @Test
  void backendFailuresAreDescribedAndRedacted() throws Exception {
    var redacting = new ObjectBucket(backend, Duration.ofSeconds(5), s -> s.replace("store", "[X]"), 1000);
    backend.close();
    assertThat(failure(redacting.head("k"))).isInstanceOf(ObjectBucket.BucketException.class)
        .hasMessage("R2 head failed: the embedded object [X] is closed");
  }
}
