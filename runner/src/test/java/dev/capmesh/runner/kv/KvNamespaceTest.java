package dev.capmesh.runner.kv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Workers KV semantics and limits of {@link KvNamespace} over both backends (a real Redis). */
class KvNamespaceTest {
  @TempDir Path dir;
  private ExecutorService blocking;
  private ClientResources resources;
  private TestRedis redis;
  private final MutableClock clock = MutableClock.now();
  private final List<KvBackend> opened = new ArrayList<>();

  @BeforeEach void setUp() {
    blocking = Executors.newFixedThreadPool(2);
    resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
    redis = new TestRedis();
  }

  @AfterEach void tearDown() {
    opened.forEach(KvBackend::close);
    redis.close();
    resources.shutdown(0, 1, TimeUnit.SECONDS);
    blocking.shutdownNow();
  }

  private KvBackend backend(String kind, String name) throws Exception {
    KvBackend b = kind.equals("embedded") ? EmbeddedKv.open(dir.resolve(name), blocking)
        : new RedisKv(resources, TestRedis.URL, redis.prefix(name), null, v -> null, Duration.ofSeconds(5));
    opened.add(b);
    return b;
  }

  private KvNamespace namespace(String kind) throws Exception {
    return new KvNamespace(backend(kind, "ns"), clock, Duration.ofSeconds(5), UnaryOperator.identity());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static String text(KvEntry e) {
    return e == null ? null : new String(e.value(), UTF_8);
  }

  private static List<String> names(KvNamespace.Listing l) {
    return l.keys().stream().map(KvPage.Key::name).toList();
  }

  @ParameterizedTest @ValueSource(strings = {"embedded", "redis"})
  void putGetDeleteWithMetadata(String kind) throws Exception {
    KvNamespace ns = namespace(kind);
    assertThat(await(ns.get("missing", null))).isNull();
    await(ns.put("k", bytes("v1"), null, null, "{\"a\":1}"));
    KvEntry e = await(ns.get("k", null));
    assertThat(text(e)).isEqualTo("v1");
    assertThat(e.metadataJson()).isEqualTo("{\"a\":1}");
    assertThat(e.expiration()).isZero();
    // A put replaces the value and drops metadata it does not give.
    await(ns.put("k", bytes("v2"), null, null, null));
    e = await(ns.get("k", null));
    assertThat(text(e)).isEqualTo("v2");
    assertThat(e.metadataJson()).isNull();
    // Binary values come back byte for byte; empty values are values.
    byte[] binary = new byte[256];
    for (int i = 0; i < 256; i++) {
      binary[i] = (byte) i;
    }
    await(ns.put("bin", binary, null, null, null));
    assertThat(await(ns.get("bin", null)).value()).isEqualTo(binary);
    await(ns.put("empty", new byte[0], null, null, null));
    assertThat(await(ns.get("empty", null)).value()).isEmpty();
    await(ns.delete("k"));
    assertThat(await(ns.get("k", null))).isNull();
    await(ns.delete("k")); // deleting an absent key succeeds
  }

  @Test
  void redisEntriesWrittenAsHashesByEarlierVersionsAreReadListedAndReplaced() throws Exception {
    // Until 2026-11-30 an entry was a hash (fields v, m, e) that a Lua script wrote.
    KvNamespace ns = namespace("redis");
    String p = redis.prefix("ns");
    long later = clock.seconds() + 120;
    redis.sync().hset(p + "k:old", Map.of("v", "old value", "m", "{\"o\":1}", "e", Long.toString(later)));
    redis.sync().hset(p + "k:plain", Map.of("v", "plain", "e", "0"));
    redis.sync().hset(p + "k:over", Map.of("v", "x", "e", Long.toString(clock.seconds() - 1)));
    for (String k : List.of("old", "plain", "over")) {
      redis.sync().zadd(p + "i", 0, k);
    }
    await(ns.put("new", bytes("new value"), null, null, "{\"n\":2}"));

    KvEntry old = await(ns.get("old", null));
    assertThat(text(old)).isEqualTo("old value");
    assertThat(old.metadataJson()).isEqualTo("{\"o\":1}");
    assertThat(old.expiration()).isEqualTo(later);
    assertThat(text(await(ns.get("plain", null)))).isEqualTo("plain");
    assertThat(await(ns.get("plain", null)).metadataJson()).isNull();
    assertThat(await(ns.get("over", null))).as("expired by the runner's clock").isNull();
    KvNamespace.Listing all = await(ns.list(null, null, null));
    assertThat(names(all)).containsExactly("new", "old", "plain");
    assertThat(all.keys()).extracting(KvPage.Key::metadataJson).containsExactly("{\"n\":2}", "{\"o\":1}", null);
    assertThat(all.keys()).extracting(KvPage.Key::expiration).containsExactly(0L, later, 0L);

    // A put replaces the hash with the current form; a delete removes either.
    await(ns.put("old", bytes("rewritten"), null, null, null));
    assertThat(redis.sync().type(p + "k:old")).isEqualTo("string");
    assertThat(text(await(ns.get("old", null)))).isEqualTo("rewritten");
    assertThat(await(ns.get("old", null)).metadataJson()).isNull();
    await(ns.delete("plain"));
    assertThat(await(ns.get("plain", null))).isNull();
    assertThat(names(await(ns.list(null, null, null)))).containsExactly("new", "old");
  }

  @Test
  void aRedisValueInAFormThisRunnerDoesNotReadFailsTheCallInsteadOfAnsweringGarbage() throws Exception {
    KvNamespace ns = namespace("redis");
    String p = redis.prefix("ns");
    // Written by another program under the namespace's prefix (or by a newer version).
    redis.sync().set(p + "k:foreign", "some other program's value");
    redis.sync().zadd(p + "i", 0, "foreign");
    redis.sync().set(p + "k:short", "\u0001");
    redis.sync().set(p + "k:empty", "");
    assertThatThrownBy(() -> await(ns.get("foreign", null))).hasMessageContaining("not in a form this runner reads");
    assertThatThrownBy(() -> await(ns.get("short", null))).hasMessageContaining("not in a form this runner reads");
    assertThatThrownBy(() -> await(ns.get("empty", null))).hasMessageContaining("not in a form this runner reads");
    assertThatThrownBy(() -> await(ns.list(null, null, null))).hasMessageContaining("not in a form this runner reads");
    // A put takes the key back.
    await(ns.put("foreign", bytes("mine"), null, null, null));
    assertThat(text(await(ns.get("foreign", null)))).isEqualTo("mine");
    assertThat(names(await(ns.list(null, null, null)))).containsExactly("foreign");
  }

  @Test
  void whileRunnersRacePutsAndDeletesOfTheSameKeysEveryKeyThatExistsIsListed() throws Exception {
    // Two backends on one prefix: two connections, as two runners would have.
    KvBackend a = backend("redis", "race");
    KvBackend b = backend("redis", "race");
    var entry = new KvEntry(bytes("v"), "{\"m\":1}", 0);
    for (int round = 0; round < 100; round++) {
      var calls = new ArrayList<CompletableFuture<Void>>();
      // In odd rounds, a holds its calls and writes them together (its puts then share one
      // ZADD), as a worker's context does; b's calls go out one by one in between.
      KvBackend.Batch held = round % 2 == 1 ? a.hold() : null;
      for (int i = 0; i < 8; i++) {
        String k = "k" + i;
        calls.add(a.put(k, entry).toCompletableFuture());
        calls.add(b.delete(k).toCompletableFuture());
        calls.add(b.put(k, entry).toCompletableFuture());
        if ((round + i) % 2 == 0) {
          calls.add(a.delete(k).toCompletableFuture());
        }
      }
      if (held != null) {
        held.send();
      }
      await(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)));
      List<String> listed = await(a.list("", null, 100, clock.seconds())).keys().stream()
          .map(KvPage.Key::name).toList();
      for (int i = 0; i < 8; i++) {
        KvEntry stored = await(a.get("k" + i, clock.seconds()));
        assertThat(listed.contains("k" + i)).as("round %d: k%d exists (%s) and is listed", round, i, stored != null)
            .isEqualTo(stored != null);
      }
    }
  }

  @ParameterizedTest @ValueSource(strings = {"embedded", "redis"})
  void expiryIsExactOnReadWithTheClock(String kind) throws Exception {
    KvNamespace ns = namespace(kind);
    long now = clock.seconds();
    await(ns.put("ttl", bytes("x"), null, 60.0, "{}"));
    await(ns.put("at", bytes("y"), (double) (now + 120), null, null));
    await(ns.put("both", bytes("z"), (double) (now + 600), 60.0, null)); // expirationTtl wins
    assertThat(await(ns.get("ttl", null)).expiration()).isEqualTo(now + 60);
    assertThat(await(ns.get("both", null)).expiration()).isEqualTo(now + 60);
    assertThat(names(await(ns.list(null, null, null)))).containsExactly("at", "both", "ttl");
    assertThat(await(ns.list(null, null, null)).keys()).extracting(KvPage.Key::expiration)
        .containsExactly(now + 120, now + 60, now + 60);

    clock.advance(Duration.ofSeconds(59));
    assertThat(text(await(ns.get("ttl", null)))).isEqualTo("x");
    clock.advance(Duration.ofSeconds(1));
    assertThat(await(ns.get("ttl", null))).isNull();
    assertThat(await(ns.get("both", null))).isNull();
    assertThat(text(await(ns.get("at", null)))).isEqualTo("y");
    assertThat(names(await(ns.list(null, null, null)))).containsExactly("at");
    clock.advance(Duration.ofSeconds(60));
    assertThat(await(ns.get("at", null))).isNull();
    assertThat(await(ns.list(null, null, null)).keys()).isEmpty();
    // A put after expiry lives again, without the old expiration.
    await(ns.put("ttl", bytes("again"), null, null, null));
    assertThat(await(ns.get("ttl", null)).expiration()).isZero();
  }

  @ParameterizedTest @ValueSource(strings = {"embedded", "redis"})
  void aShortExpiryGoesToTheBackendItself(String kind) throws Exception {
    // Below the API's 60 s minimum, straight on the backend. Time is what the caller says it is
    // (the namespace passes its clock), except in Redis, which keeps its own: there the entry
    // must carry a time to live that Redis enforces.
    KvBackend b = backend(kind, "real");
    long now = System.currentTimeMillis() / 1000;
    long at = now + 2;
    await(b.put("soon", new KvEntry(bytes("x"), null, at)));
    await(b.put("stays", new KvEntry(bytes("y"), null, 0)));
    assertThat(await(b.get("soon", now))).isNotNull();
    if (kind.equals("redis")) {
      String dataKey = redis.prefix("real") + "k:soon";
      assertThat(redis.sync().pttl(dataKey)).isBetween(1L, 3_000L);
      assertThat(redis.sync().pttl(redis.prefix("real") + "k:stays")).isEqualTo(-1L);
      // What Redis does when that time comes: the entry is gone, its index member stays until a
      // listing drops it.
      redis.sync().del(dataKey);
      assertThat(redis.sync().zrange(redis.prefix("real") + "i", 0, -1)).containsExactly("soon", "stays");
      assertThat(await(b.get("soon", now))).isNull();
      assertThat(await(b.list("", null, 10, now)).keys()).extracting(KvPage.Key::name).containsExactly("stays");
      // The listing's drop is not awaited; Redis answers the backend's next command only after it
      // ran (one connection, in order), while this test's own connection could overtake it.
      assertThat(await(b.get("stays", now))).isNotNull();
      assertThat(redis.sync().zrange(redis.prefix("real") + "i", 0, -1)).containsExactly("stays");
    } else {
      assertThat(await(b.get("soon", at - 1))).isNotNull();
      assertThat(await(b.get("soon", at))).isNull();
      assertThat(await(b.list("", null, 10, at)).keys()).extracting(KvPage.Key::name).containsExactly("stays");
      // The listing purged it: even a clock turned back no longer finds it.
      assertThat(await(b.get("soon", now))).isNull();
    }
  }

  @ParameterizedTest @ValueSource(strings = {"embedded", "redis"})
  void listIsSortedByUtf8BytesAndPagesWithOpaqueCursors(String kind) throws Exception {
    KvNamespace ns = namespace(kind);
    // UTF-16 order puts U+1F600 (a surrogate pair, D83D...) before U+FFFD; UTF-8 byte order
    // (F0... after EF...) puts it after: the expected list pins UTF-8 order.
    List<String> keys = List.of("a", "a/b", "a/c", "b", "B", "\uFFFD", "\uD83D\uDE00", "é", "a0");
    for (String k : keys) {
      await(ns.put(k, bytes(k), null, null, k.equals("b") ? "{\"m\":true}" : null));
    }
    List<String> all = names(await(ns.list(null, null, null)));
    assertThat(all).containsExactly("B", "a", "a/b", "a/c", "a0", "b", "é", "\uFFFD", "\uD83D\uDE00");
    assertThat(await(ns.list(null, null, null)).keys()).filteredOn(k -> k.name().equals("b"))
        .extracting(KvPage.Key::metadataJson).containsExactly("{\"m\":true}");
    assertThat(names(await(ns.list("a/", null, null)))).containsExactly("a/b", "a/c");
    assertThat(await(ns.list("a/", null, null)).complete()).isTrue();
    assertThat(await(ns.list("a/", null, null)).cursor()).isNull();

    var seen = new ArrayList<String>();
    String cursor = null;
    int pages = 0;
    while (true) {
      KvNamespace.Listing page = await(ns.list(null, 2.0, cursor));
      pages++;
      seen.addAll(names(page));
      if (page.complete()) {
        assertThat(page.cursor()).isNull();
        break;
      }
      assertThat(page.keys()).hasSize(2);
      cursor = page.cursor();
      assertThat(cursor).doesNotContain("a/").doesNotContain(redis.prefix);
    }
    assertThat(seen).isEqualTo(all);
    assertThat(pages).isEqualTo(5);
    // A prefix with a cursor stays within the prefix.
    KvNamespace.Listing first = await(ns.list("a", 1.0, null));
    assertThat(names(first)).containsExactly("a");
    assertThat(names(await(ns.list("a", 10.0, first.cursor())))).containsExactly("a/b", "a/c", "a0");
  }

  @ParameterizedTest @ValueSource(strings = {"embedded", "redis"})
  void listSkipsExpiredKeysWithoutShortPages(String kind) throws Exception {
    KvNamespace ns = namespace(kind);
    for (int i = 0; i < 10; i++) {
      await(ns.put("k" + i, bytes("v"), null, i % 2 == 0 ? 60.0 : null, null));
    }
    clock.advance(Duration.ofSeconds(61));
    KvNamespace.Listing page = await(ns.list("k", 3.0, null));
    assertThat(names(page)).containsExactly("k1", "k3", "k5");
    assertThat(page.complete()).isFalse();
    page = await(ns.list("k", 3.0, page.cursor()));
    assertThat(names(page)).containsExactly("k7", "k9");
    assertThat(page.complete()).isTrue();
  }

  @ParameterizedTest @ValueSource(strings = {"embedded", "redis"})
  void everyLimitIsRefusedNamingIt(String kind) throws Exception {
    KvNamespace ns = namespace(kind);
    String max = "k".repeat(512);
    await(ns.put(max, bytes("ok"), null, null, null));
    assertThat(text(await(ns.get(max, null)))).isEqualTo("ok");
    assertThatThrownBy(() -> ns.put("k".repeat(513), bytes("x"), null, null, null))
        .hasMessageContaining("513 bytes in UTF-8, over the key length limit of 512 bytes");
    // The limit counts UTF-8 bytes: 171 three-byte characters are 513 bytes.
    assertThatThrownBy(() -> ns.get("\u20ac".repeat(171), null))
        .hasMessageContaining("KV get failed: the key is 513 bytes in UTF-8, over the key length limit");
    for (String bad : List.of(".", "..")) {
      assertThatThrownBy(() -> ns.put(bad, bytes("x"), null, null, null))
          .hasMessage("KV put failed: a key must not be \".\" or \"..\"");
      assertThatThrownBy(() -> ns.delete(bad)).hasMessageContaining("must not be \".\" or \"..\"");
    }
    assertThatThrownBy(() -> ns.get("", null)).hasMessageContaining("the key is empty");

    byte[] big = new byte[KvNamespace.MAX_VALUE_BYTES];
    await(ns.put("big", big, null, null, null));
    assertThat(await(ns.get("big", null)).value()).hasSize(25 << 20);
    assertThatThrownBy(() -> ns.put("big", new byte[(25 << 20) + 1], null, null, null))
        .hasMessageContaining("26214401 bytes, over the value size limit of 26214400 bytes (25 MiB)");

    String meta1024 = "\"" + "m".repeat(1022) + "\"";
    await(ns.put("meta", bytes("x"), null, null, meta1024));
    assertThat(await(ns.get("meta", null)).metadataJson()).isEqualTo(meta1024);
    assertThatThrownBy(() -> ns.put("meta", bytes("x"), null, null, "\"" + "m".repeat(1023) + "\""))
        .hasMessageContaining("1025 bytes serialized as JSON, over the metadata size limit of 1024 bytes");

    assertThatThrownBy(() -> ns.put("t", bytes("x"), null, 59.0, null))
        .hasMessageContaining("expirationTtl 59 is invalid; the minimum expirationTtl is 60 seconds");
    assertThatThrownBy(() -> ns.put("t", bytes("x"), null, Double.NaN, null))
        .hasMessageContaining("minimum expirationTtl is 60 seconds");
    assertThatThrownBy(() -> ns.put("t", bytes("x"), (double) clock.seconds() + 59, null, null))
        .hasMessageContaining("expiration times must be at least 60 seconds in the future");
    await(ns.put("t", bytes("x"), (double) clock.seconds() + 60, null, null));
    assertThatThrownBy(() -> ns.get("t", 59.0)).hasMessageContaining("cacheTtl 59 is under the minimum cacheTtl of 60 seconds");
    assertThat(text(await(ns.get("t", 60.0)))).isEqualTo("x");

    for (double bad : new double[] {0, 1001, 1.5, -1, Double.NaN}) {
      assertThatThrownBy(() -> ns.list(null, bad, null))
          .hasMessageContaining("the list limit is an integer from 1 to 1000 keys");
    }
    assertThat(await(ns.list(null, 1000.0, null)).keys()).isNotEmpty();
    assertThatThrownBy(() -> ns.list(null, null, "not-a-cursor"))
        .hasMessageContaining("the cursor is not one a list() of this namespace returned");
  }

  @ParameterizedTest @ValueSource(strings = {"embedded", "redis"})
  void listReturnsAtMostAThousandKeysByDefault(String kind) throws Exception {
    KvNamespace ns = namespace(kind);
    var puts = new ArrayList<CompletionStage<Void>>();
    for (int i = 0; i < 1001; i++) {
      puts.add(ns.put(String.format("k%04d", i), bytes("v"), null, null, null));
    }
    for (var p : puts) {
      await(p);
    }
    KvNamespace.Listing page = await(ns.list(null, null, null));
    assertThat(page.keys()).hasSize(1000);
    assertThat(page.complete()).isFalse();
    page = await(ns.list(null, null, page.cursor()));
    assertThat(names(page)).containsExactly("k1000");
    assertThat(page.complete()).isTrue();
  }

  @Test
  void redisNamespacesWithDifferentPrefixesNeverSeeEachOther() throws Exception {
    var a = new KvNamespace(backend("redis", "a"), clock, Duration.ofSeconds(5), UnaryOperator.identity());
    var b = new KvNamespace(backend("redis", "b"), clock, Duration.ofSeconds(5), UnaryOperator.identity());
    // Keys shaped like the other namespace's storage keys stay inside their own namespace.
    String bData = redis.prefix("b") + "k:x";
    for (String k : List.of("x", "../b:k:x", bData, redis.prefix("b") + "i", "*", "i", "k:x")) {
      await(a.put(k, bytes("from-a"), null, null, null));
    }
    await(b.put("x", bytes("from-b"), null, null, null));
    assertThat(text(await(b.get("x", null)))).isEqualTo("from-b");
    assertThat(names(await(b.list(null, null, null)))).containsExactly("x");
    assertThat(text(await(a.get("x", null)))).isEqualTo("from-a");
    assertThat(names(await(a.list(null, null, null)))).hasSize(7);
    // Nothing outside the prefix is written, and keys written there directly are not listed.
    assertThat(redis.sync().keys(redis.prefix + "*"))
        .allMatch(k -> k.startsWith(redis.prefix("a")) || k.startsWith(redis.prefix("b")));
    redis.sync().set(redis.prefix("a") + "i-stray", "v");
    assertThat(await(a.get("i-stray", null))).isNull();
    await(a.delete(bData));
    assertThat(text(await(b.get("x", null)))).isEqualTo("from-b");
    assertThat(text(await(b.get("x", null)))).isEqualTo("from-b");
    assertThat(redis.sync().get(bData)).endsWith("from-b");
  }

  @Test
  void embeddedStoresOpenOncePerProcessAndSurviveReopening() throws Exception {
    Path d = dir.resolve("reopen");
    try (EmbeddedKv first = EmbeddedKv.open(d, blocking)) {
      await(first.put("k", new KvEntry(bytes("v"), "{\"x\":1}", 0)));
    }
    try (EmbeddedKv second = EmbeddedKv.open(d, blocking)) {
      KvEntry e = await(second.get("k", 0));
      assertThat(text(e)).isEqualTo("v");
      assertThat(e.metadataJson()).isEqualTo("{\"x\":1}");
    }
  }

  @Test
  void callsAThreadHoldsReachRedisOnlyWhenItSendsThemInTheirOrder() throws Exception {
    KvNamespace ns = namespace("redis");
    await(ns.put("k", bytes("v0"), null, null, null));
    KvBackend.Batch batch = ns.hold();
    assertThat(batch).isNotNull();
    assertThat(ns.hold()).as("the same batch while the thread holds").isSameAs(batch);
    var put = ns.put("k", bytes("v1"), null, null, "{\"m\":1}").toCompletableFuture();
    var get = ns.get("k", null).toCompletableFuture();
    var delete = ns.delete("gone").toCompletableFuture();
    // Another thread's call is sent at once, on the same connection: Redis answers in order, so
    // had the held calls been sent, they would be answered by the time this one is.
    KvEntry other = blocking.submit(() -> await(ns.get("k", null))).get(10, TimeUnit.SECONDS);
    assertThat(text(other)).isEqualTo("v0");
    assertThat(put).isNotDone();
    assertThat(get).isNotDone();
    assertThat(delete).isNotDone();
    batch.send();
    await(put);
    assertThat(text(await(get))).isEqualTo("v1");
    assertThat(await(get).metadataJson()).isEqualTo("{\"m\":1}");
    await(delete);
    // Not holding any more: the next call goes at once.
    assertThat(text(await(ns.get("k", null)))).isEqualTo("v1");
  }

  @Test
  void heldPutsShareOneIndexUpdateThatStaysBeforeTheDeletesHeldAfterThem() throws Exception {
    // A Redis of its own, so that its command counts are this test's alone.
    try (var own = RedisServerProcess.start(null);
        var client = io.lettuce.core.RedisClient.create(resources, own.url());
        var probe = client.connect()) {
      var b = new RedisKv(resources, own.url(), "held:", null, v -> null, Duration.ofSeconds(5));
      opened.add(b);
      var ns = new KvNamespace(b, clock, Duration.ofSeconds(5), UnaryOperator.identity());
      await(ns.put("warm", bytes("w"), null, null, null));
      probe.sync().configResetstat();
      // MONITOR on a plain socket: Redis reports each command it runs, in the order it runs them.
      var monitor = new java.net.Socket("127.0.0.1", own.port);
      monitor.setSoTimeout(10_000);
      var lines = new java.io.BufferedReader(new java.io.InputStreamReader(monitor.getInputStream(), UTF_8));
      monitor.getOutputStream().write("MONITOR\r\n".getBytes(UTF_8));
      assertThat(lines.readLine()).isEqualTo("+OK");
      KvBackend.Batch batch = ns.hold();
      assertThat(batch).isNotNull();
      var calls = new ArrayList<CompletableFuture<Void>>();
      for (String k : List.of("k1", "k2", "k1", "k3")) {
        calls.add(ns.put(k, bytes("v-" + k), null, null, null).toCompletableFuture());
      }
      calls.add(ns.delete("k2").toCompletableFuture());
      calls.add(ns.put("k4", bytes("v-k4"), null, null, null).toCompletableFuture());
      calls.add(ns.delete("k1").toCompletableFuture());
      assertThat(calls).noneMatch(CompletableFuture::isDone);
      batch.send();
      await(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)));

      var ran = new ArrayList<String>();
      while (ran.size() < 11) {
        String line = lines.readLine();
        assertThat(line).as("MONITOR's next line (after %s)", ran).isNotNull();
        // +1700000000.123456 [0 127.0.0.1:port] "SET" "held:k:k1" ...
        ran.add(line.split("\"")[1] + " " + line.split("\"")[3]);
      }
      monitor.close();
      // Every SET before the ZADD that lists its key; each delete's ZREM after it.
      assertThat(ran).containsExactly("SET held:k:k1", "SET held:k:k2", "SET held:k:k1", "SET held:k:k3",
          "ZADD held:i", "ZREM held:i", "DEL held:k:k2", "SET held:k:k4", "ZADD held:i", "ZREM held:i",
          "DEL held:k:k1");
      String stats = probe.sync().info("commandstats");
      assertThat(stats).as("five puts: five SETs").contains("cmdstat_set:calls=5,");
      assertThat(stats).as("one ZADD for the puts before the first delete, one for the put after it")
          .contains("cmdstat_zadd:calls=2,");
      // Each delete's ZREM came after the ZADD that listed its key: the index names exactly the
      // keys that exist (had the ZADD gone last, it would list k1 and k2 again).
      assertThat(probe.sync().zrange("held:i", 0, -1)).containsExactly("k3", "k4", "warm");
      assertThat(names(await(ns.list(null, null, null)))).containsExactly("k3", "k4", "warm");
      assertThat(text(await(ns.get("k1", null)))).isNull();
      assertThat(text(await(ns.get("k2", null)))).isNull();
      assertThat(text(await(ns.get("k3", null)))).isEqualTo("v-k3");
      assertThat(text(await(ns.get("k4", null)))).isEqualTo("v-k4");
    }
  }

  @Test
  void aFailedIndexUpdateFailsEveryHeldPutItWasFor() throws Exception {
    var ns = new KvNamespace(backend("redis", "broken"), clock, Duration.ofSeconds(5), UnaryOperator.identity());
    await(ns.get("connect", null));
    // The index key holds a string: Redis refuses the ZADD (WRONGTYPE) after accepting the SETs.
    redis.sync().set(redis.prefix("broken") + "i", "not a sorted set");
    KvBackend.Batch batch = ns.hold();
    assertThat(batch).isNotNull();
    var first = ns.put("a", bytes("1"), null, null, null).toCompletableFuture();
    var second = ns.put("b", bytes("2"), null, null, null).toCompletableFuture();
    batch.send();
    for (var put : List.of(first, second)) {
      assertThatThrownBy(() -> await(put)).hasMessageContaining("WRONGTYPE");
    }
  }

  @Test
  void theEmbeddedStoreHoldsNothing() throws Exception {
    assertThat(namespace("embedded").hold()).isNull();
  }
}
