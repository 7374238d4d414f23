package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.capmesh.runner.kv.MutableClock;
import dev.capmesh.runner.kv.RedisServerProcess;
import dev.capmesh.runner.kv.TestRedis;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** {@code env.KV} as a worker sees it, through a real runner, on both backends. */
class KvBindingTest {
  @TempDir Path dir;
  private TestRedis redis;
  private Runner runner;
  private final MutableClock clock = MutableClock.now();
  private final Map<String, String> environment = new ConcurrentHashMap<>();
  private ListAppender<ILoggingEvent> console;

  @BeforeEach void setUp() throws Exception {
    redis = new TestRedis();
    for (String name : List.of("worker.js", "peer.js", "kv-mock.js")) {
      try (InputStream in = KvBindingTest.class.getResourceAsStream("/kv/" + name)) {
        Files.write(dir.resolve(name), in.readAllBytes());
      }
    }
    console = new ListAppender<>();
    console.start();
    var logger = (Logger) LoggerFactory.getLogger("dev.capmesh.runner.js.console");
    logger.setLevel(Level.DEBUG);
    logger.addAppender(console);
  }

  @AfterEach void tearDown() {
    if (runner != null) {
      runner.close();
    }
    ((Logger) LoggerFactory.getLogger("dev.capmesh.runner.js.console")).detachAppender(console);
    redis.close();
  }

  /** A config whose worker "main" binds KV to service "ns" with this kv spec. */
  private static String config(String kvSpec) {
    return """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "main", worker = (modules = [(name = "worker.js", esModule = embed "worker.js")],
                compatibilityDate = "2024-09-01",
                bindings = [(name = "KV", kvNamespace = "ns"), (name = "PEER", service = "peer")])),
            (name = "peer", worker = (modules = [(name = "peer.js", esModule = embed "peer.js")],
                compatibilityDate = "2024-09-01")),
            (name = "ns", kv = KVSPEC),
          ],
          sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
        );
        """.replace("KVSPEC", kvSpec);
  }

  /** The config with KV bound to a worker that speaks workerd's KV protocol. */
  private static String protocolConfig() {
    return config("(embedded = ())").replace("(name = \"ns\", kv = (embedded = ())),",
        "(name = \"ns\", worker = (modules = [(name = \"kv-mock.js\", esModule = embed \"kv-mock.js\")],"
        + " compatibilityDate = \"2024-09-01\")),");
  }

  private String spec(String kind) {
    return kind.equals("embedded") ? "(embedded = (path = \"data/ns\"))"
        : "(redis = (url = \"" + TestRedis.URL + "\", keyPrefix = \"" + redis.prefix("ns") + "\"))";
  }

  private void start(String configText, Duration timeout) throws Exception {
    // One context per worker: the protocol mock keeps its entries in module state.
    var options = new RunnerOptions(dir, Map.of("http", "127.0.0.1:0"),
        // CPU generous: 25 MiB values cross into JS here, and this test is not about CPU limits.
        dev.capmesh.runner.js.JsLimits.defaults().withCpuPerRequest(Duration.ofSeconds(10)), 1, 100L << 20,
        dev.capmesh.runner.http.ConnectionLimits.defaults(),
        ResourceOptions.defaults(dir).withClock(clock).withBackendTimeout(timeout)
            .withEnvironment(environment::get));
    runner = Runner.start(TestRunners.plan(TestRunners.compile(dir, configText)), options);
  }

  /** The "name=JSON" lines a scenario answers, by name. */
  private Map<String, String> call(String path) throws Exception {
    String response = TestRunners.get(runner, "http", path);
    assertThat(response).startsWith("200 ");
    var out = new LinkedHashMap<String, String>();
    for (String line : response.substring(4).split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  @ParameterizedTest @ValueSource(strings = {"embedded", "redis", "protocol"})
  void everyMethodWorksFromTheWorker(String kind) throws Exception {
    start(kind.equals("protocol") ? protocolConfig() : config(spec(kind)), Duration.ofSeconds(5));
    Map<String, String> r = call("/api");
    if (kind.equals("protocol")) {
      // The mock computes the expiration with its own clock (Date.now).
      r.replaceAll((k, v) -> v.replaceAll("\"expiration\":\\d+", "\"expiration\":" + (clock.seconds() + 120)));
    }
    assertThat(r.get("text")).isEqualTo("\"héllo\"");
    assertThat(r.get("textType")).isEqualTo("\"héllo\"");
    assertThat(r.get("json")).isEqualTo("{\"a\":[1,2]}");
    assertThat(r.get("arrayBuffer")).isEqualTo("[true,6]");
    assertThat(r.get("stream")).isEqualTo("\"héllo\"");
    assertThat(r.get("missing")).isEqualTo("null");
    assertThat(r.get("withMeta")).isEqualTo("{\"value\":{\"a\":[1,2]},\"metadata\":{\"m\":\"x\"},\"cacheStatus\":null}");
    assertThat(r.get("withMetaMissing")).isEqualTo("{\"value\":null,\"metadata\":null,\"cacheStatus\":null}");
    assertThat(r.get("buf")).isEqualTo("[0,1,255]");
    assertThat(r.get("view")).isEqualTo("[8,7]");
    assertThat(r.get("streamed")).isEqualTo("\"abcd\"");
    assertThat(r.get("oddBytes")).isEqualTo("[97,239,191,189,98]");
    assertThat(r.get("badText")).isEqualTo("[65533,65533,65533,65]");
    assertThat(r.get("badJson")).contains("\"error\":\"SyntaxError\"");
    long exp = clock.seconds() + 120;
    assertThat(r.get("list")).isEqualTo("{\"keys\":[{\"name\":\"buf\"},{\"name\":\"json\",\"metadata\":{\"m\":\"x\"}},"
        + "{\"name\":\"streamed\"},{\"name\":\"text\"},{\"name\":\"ttl\",\"expiration\":" + exp
        + ",\"metadata\":{\"n\":1}},{\"name\":\"view\"}],\"list_complete\":true,\"cacheStatus\":null}");
    assertThat(r.get("listPrefix")).isEqualTo("{\"keys\":[{\"name\":\"buf\"}],\"list_complete\":true,\"cacheStatus\":null}");
    assertThat(r.get("page1")).isEqualTo("[\"buf\",\"json\",false,\"string\"]");
    assertThat(r.get("page2")).isEqualTo("[\"streamed\",\"text\",\"ttl\",\"view\",true,false]");
    assertThat(r.get("bulk")).isEqualTo("{\"text\":\"héllo\",\"nope\":null}");
    assertThat(r.get("bulkMeta")).isEqualTo("{\"json\":{\"value\":{\"a\":[1,2]},\"metadata\":{\"m\":\"x\"}}}");
    assertThat(r.get("deleted")).isEqualTo("null");
    if (kind.equals("embedded")) {
      assertThat(dir.resolve("data/ns/kv.mv.db")).exists();
    } else if (kind.equals("redis")) {
      assertThat(redis.sync().get(redis.prefix("ns") + "k:json")).endsWith("{\"a\":[1,2]}");
    }
  }

  // The protocol binding's bulk get (one fetch per key) stays as it was; 100 keys are over a
  // request's 50 subrequests there.
  @ParameterizedTest @ValueSource(strings = {"embedded", "redis"})
  void aBulkGetAnswersEveryKeyInOrderAndChecksEachAsOneGet(String kind) throws Exception {
    start(config(spec(kind)), Duration.ofSeconds(5));
    Map<String, String> r = call("/bulk");
    assertThat(r.get("size")).isEqualTo("100");
    assertThat(r.get("inOrder")).isEqualTo("true");
    assertThat(r.get("some")).isEqualTo("[\"v0\",\"{\\\"i\\\":1}\",\"v98\",\"{\\\"i\\\":99}\"]");
    assertThat(r.get("json")).isEqualTo("{\"b1\":{\"i\":1},\"b3\":{\"i\":3},\"nope\":null}");
    assertThat(r.get("withMeta")).isEqualTo("{\"b0\":{\"value\":\"v0\",\"metadata\":{\"i\":0}},"
        + "\"b1\":{\"value\":\"{\\\"i\\\":1}\",\"metadata\":null},\"b3\":{\"value\":\"{\\\"i\\\":3}\",\"metadata\":{\"i\":3}},"
        + "\"nope\":{\"value\":null,\"metadata\":null}}");
    assertThat(r.get("duplicates")).isEqualTo("{\"2\":null,\"b0\":\"v0\"}");
    assertThat(r.get("badText")).isEqualTo("[65533,65533,65533,65]");
    assertThat(r.get("badJson")).contains("\"error\":\"SyntaxError\"");
    assertThat(r.get("tooMany")).contains("TypeError", "a bulk get takes 1 to 100 keys, not 101");
    assertThat(r.get("none")).contains("TypeError", "a bulk get takes 1 to 100 keys, not 0");
    assertThat(r.get("dot")).contains("TypeError", "get failed: a key must not be");
    assertThat(r.get("longKey")).contains("TypeError", "get failed: the key is 513 bytes in UTF-8, over the key length limit of 512 bytes");
    assertThat(r.get("cacheTtl")).contains("TypeError", "cacheTtl 30 is under the minimum cacheTtl of 60 seconds");
    assertThat(r.get("arrayBuffer")).contains("TypeError", "a bulk get returns \\\"text\\\" or \\\"json\\\"");
    Map<String, String> limit = call("/bulkLimit");
    assertThat(limit.get("tenth")).isEqualTo("{\"ok\":100}");
    assertThat(limit.get("overLimit")).contains("too many KV operations: a request may make at most 1000");
  }

  @Test
  void aBulkGetIsExactOnExpiryAndRecordsEveryKey() throws Exception {
    start(config(spec("redis")), Duration.ofSeconds(5));
    call("/ttl?op=put");
    clock.advance(Duration.ofSeconds(59));
    assertThat(call("/ttlBulk")).containsEntry("value", "{\"short\":\"lived\",\"other\":null}");
    clock.advance(Duration.ofSeconds(1));
    assertThat(call("/ttlBulk")).containsEntry("value", "{\"short\":null,\"other\":null}");
  }

  @Test
  void aRedisThatStopsAnsweringOnAnOpenConnectionRejectsWithinTheTimeout() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start(null)) {
      start(config("(redis = (url = \"" + server.url() + "\", keyPrefix = \"pause:\"))"), Duration.ofMillis(800));
      assertThat(call("/put?k=k&v=v")).containsEntry("ok", "undefined");
      assertThat(call("/get?k=k")).containsEntry("ok", "\"v\"");
      // The connection stays open; Redis holds every client command for 4 s.
      try (var client = io.lettuce.core.RedisClient.create(server.url()); var c = client.connect()) {
        assertThat(c.sync().clientPause(4_000)).isEqualTo("OK");
      }
      Map<String, String> get = call("/get?k=k");
      assertThat(get.get("message")).contains("KV binding \\\"KV\\\": get failed: Redis 127.0.0.1:" + server.port
          + " did not answer within 800 ms");
      Map<String, String> bulk = call("/bulkOne?k=k");
      assertThat(bulk.get("message")).contains("KV binding \\\"KV\\\": get failed: Redis 127.0.0.1:" + server.port
          + " did not answer within 800 ms");
      Map<String, String> put = call("/put?k=k&v=w");
      assertThat(put.get("message")).contains("KV binding \\\"KV\\\": put failed: Redis 127.0.0.1:" + server.port
          + " did not answer within 800 ms");
    }
  }

  @Test
  void aKvBindingToADiskServiceKeepsAStoreInItsDirectory() throws Exception {
    Files.createDirectories(dir.resolve("files"));
    Files.createDirectories(dir.resolve("readonly"));
    String text = config("(embedded = ())").replace("(name = \"ns\", kv = (embedded = ())),",
        "(name = \"ns\", disk = (path = \"files\", writable = true)), (name = \"ro\", disk = (path = \"readonly\")),")
        .replace("(name = \"PEER\", service = \"peer\")", "(name = \"PEER\", service = \"peer\"), (name = \"RO\", kvNamespace = \"ro\")");
    start(text, Duration.ofSeconds(5));
    Map<String, String> r = call("/api");
    assertThat(r.get("text")).isEqualTo("\"héllo\"");
    assertThat(r.get("withMeta")).isEqualTo("{\"value\":{\"a\":[1,2]},\"metadata\":{\"m\":\"x\"},\"cacheStatus\":null}");
    assertThat(r.get("page2")).isEqualTo("[\"streamed\",\"text\",\"ttl\",\"view\",true,false]");
    assertThat(dir.resolve("files/.capmesh-kv/kv.mv.db")).exists();
    assertThat(call("/put?b=RO&k=k&v=v").get("message"))
        .isEqualTo("\"KV binding \\\"RO\\\": put failed: disk service \\\"ro\\\" is not writable\"");
    assertThat(call("/get?b=RO&k=k")).containsEntry("ok", "null");
    assertThat(dir.resolve("readonly/.capmesh-kv")).doesNotExist();
  }

  @Test
  void theKvProtocolChecksLimitsAndNamesTheBindingWhenTheServiceFails() throws Exception {
    start(protocolConfig(), Duration.ofSeconds(5));
    assertThat(call("/get?k=broken").get("message"))
        .isEqualTo("\"KV binding \\\"KV\\\": get failed: the KV service answered 503\"");
    // Without the 25 MiB round trip, which the native backends' test covers (CPU-heavy here).
    Map<String, String> r = call("/limits?big=0");
    assertThat(r.get("key513")).contains("TypeError", "KV binding \\\"KV\\\": put failed: the key is 513 bytes in UTF-8, over the key length limit of 512 bytes");
    assertThat(r.get("dot")).contains("TypeError", "get failed: a key must not be");
    assertThat(r.get("empty")).contains("TypeError", "the key is empty");
    assertThat(r.get("value")).contains("TypeError", "over the value size limit of 26214400 bytes (25 MiB)");
    assertThat(r.get("metadata")).contains("TypeError", "1025 bytes serialized as JSON, over the metadata size limit of 1024 bytes");
    assertThat(r.get("ttl")).contains("TypeError", "the minimum expirationTtl is 60 seconds");
    assertThat(r.get("expiration")).contains("TypeError", "expiration times must be at least 60 seconds in the future");
    assertThat(r.get("cacheTtl")).contains("TypeError", "under the minimum cacheTtl of 60 seconds");
    assertThat(r.get("listLimit")).contains("TypeError", "the list limit is an integer from 1 to 1000 keys");
    assertThat(r).doesNotContainKey("valueMax");
    assertThat(call("/put?k=small&v=1")).containsEntry("ok", "undefined");
    assertThat(call("/get?k=small")).containsEntry("ok", "\"1\"");
  }

  @Test
  void everyLimitRejectsNamingTheLimit() throws Exception {
    start(config(spec("embedded")), Duration.ofSeconds(5));
    Map<String, String> r = call("/limits");
    assertThat(r.get("key513")).contains("TypeError", "KV binding \\\"KV\\\": put failed: the key is 513 bytes in UTF-8, over the key length limit of 512 bytes");
    assertThat(r.get("key512")).isEqualTo("{}");
    assertThat(r.get("dot")).contains("TypeError", "get failed: a key must not be");
    assertThat(r.get("dotdot")).contains("TypeError", "delete failed: a key must not be");
    assertThat(r.get("empty")).contains("TypeError", "the key is empty");
    assertThat(r.get("value")).contains("TypeError", "26214401 bytes, over the value size limit of 26214400 bytes (25 MiB)");
    assertThat(r.get("valueMax")).isEqualTo("{\"ok\":26214400}");
    assertThat(r.get("valueStream")).contains("TypeError", "over the value size limit of 26214400 bytes (25 MiB)");
    assertThat(r.get("metadata")).contains("TypeError", "1025 bytes serialized as JSON, over the metadata size limit of 1024 bytes");
    assertThat(r.get("metadataMax")).isEqualTo("{}");
    assertThat(r.get("ttl")).contains("TypeError", "expirationTtl 59 is invalid; the minimum expirationTtl is 60 seconds");
    assertThat(r.get("expiration")).contains("TypeError", "expiration times must be at least 60 seconds in the future");
    assertThat(r.get("cacheTtl")).contains("TypeError", "cacheTtl 30 is under the minimum cacheTtl of 60 seconds");
    assertThat(r.get("listLimit")).contains("TypeError", "limit 1001 is invalid; the list limit is an integer from 1 to 1000 keys");
    assertThat(r.get("listLimitZero")).contains("the list limit is an integer from 1 to 1000 keys");
    assertThat(r.get("cursor")).contains("TypeError", "the cursor is not one a list() of this namespace returned");
    assertThat(r.get("type")).contains("TypeError", "unknown response type \\\"blob\\\"");
    assertThat(r.get("valueType")).contains("TypeError", "the value must be a string, ArrayBuffer, ArrayBufferView or ReadableStream");
  }

  @ParameterizedTest @ValueSource(strings = {"embedded", "redis"})
  void expiryIsExactOnReadWithTheRunnersClock(String kind) throws Exception {
    start(config(spec(kind)), Duration.ofSeconds(5));
    call("/ttl?op=put");
    clock.advance(Duration.ofSeconds(59));
    assertThat(call("/ttl")).containsEntry("value", "\"lived\"").containsEntry("keys", "[\"short\"]");
    clock.advance(Duration.ofSeconds(1));
    assertThat(call("/ttl")).containsEntry("value", "null").containsEntry("keys", "[]");
  }

  @Test
  void theBindingLeaksNothingAndCannotBeRebuiltOrPassedOn() throws Exception {
    String password = "kv-pass-7f3a9c2e51";
    environment.put("CAPMESH_T_REDIS_PASSWORD", password);
    try (RedisServerProcess server = RedisServerProcess.start(password)) {
      String prefix = redis.prefix("hostile");
      start(config("(redis = (url = \"" + server.url() + "\", keyPrefix = \"" + prefix
          + "\", passwordEnv = \"CAPMESH_T_REDIS_PASSWORD\"))"), Duration.ofSeconds(5));
      String body = TestRunners.get(runner, "http", "/hostile");
      Map<String, String> r = call("/hostile");
      assertThat(r.get("leakedObjects")).isEqualTo("[]");
      assertThat(r.get("stringify")).contains("\\\"KV\\\":{}").doesNotContain("redis");
      assertThat(r.get("keys")).isEqualTo("[]");
      assertThat(r.get("ownNames")).isEqualTo("[]");
      assertThat(r.get("string")).isEqualTo("\"[object KVNamespace]\"");
      assertThat(r.get("protoNames")).isEqualTo("[\"constructor\",\"delete\",\"get\",\"getWithMetadata\",\"list\",\"put\"]");
      assertThat(r.get("construct")).contains("TypeError", "Illegal constructor");
      assertThat(r.get("constructWithString")).contains("TypeError", "Illegal constructor");
      assertThat(r.get("otherThis")).contains("TypeError");
      assertThat(r.get("clone")).contains("DataCloneError", "KVNamespace object could not be cloned");
      assertThat(r.get("rpc")).contains("DataCloneError");
      assertThat(r.get("rpcInObject")).contains("DataCloneError");
      assertThat(r.get("thrown")).contains("KV binding \\\"KV\\\"");
      for (String text : List.of(body, String.join("\n", console.list.stream()
          .map(ILoggingEvent::getFormattedMessage).toList()))) {
        assertThat(text).doesNotContain(password).doesNotContain(prefix)
            .doesNotContain(String.valueOf(server.port)).doesNotContain("CAPMESH_T_REDIS_PASSWORD");
      }
      assertThat(console.list).extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(l -> l.contains("KV: KVNamespace { }") && l.endsWith("kv is KVNamespace { }"));
    }
  }

  @Test
  void aWrongOrRotatedPasswordRejectsWithoutShowingItAndRecovers() throws Exception {
    String password = "right-pass-0123456789";
    environment.put("CAPMESH_T_REDIS_PASSWORD", "wrong-pass-9876543210");
    try (RedisServerProcess server = RedisServerProcess.start(password)) {
      start(config("(redis = (url = \"" + server.url() + "\", keyPrefix = \"" + redis.prefix("pw")
          + "\", passwordEnv = \"CAPMESH_T_REDIS_PASSWORD\"))"), Duration.ofSeconds(5));
      Map<String, String> r = call("/get");
      assertThat(r.get("error")).isEqualTo("\"Error\"");
      assertThat(r.get("message")).contains("KV binding \\\"KV\\\": get failed: Redis 127.0.0.1:" + server.port)
          .containsIgnoringCase("WRONGPASS").doesNotContain("wrong-pass").doesNotContain(password);
      environment.remove("CAPMESH_T_REDIS_PASSWORD");
      assertThat(call("/get").get("message")).contains("the environment variable CAPMESH_T_REDIS_PASSWORD "
          + "named by passwordEnv is not set");
      // The password is read when a connection authenticates: the rotated one works at once.
      environment.put("CAPMESH_T_REDIS_PASSWORD", password);
      assertThat(call("/put?k=k&v=v1")).containsEntry("ok", "undefined");
      assertThat(call("/get?k=k")).containsEntry("ok", "\"v1\"");
    }
  }

  @Test
  void anUnreachableRedisRejectsNamingBindingAndCauseWhileOtherRequestsAreServed() throws Exception {
    int closed = RedisServerProcess.freePort();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // "silent" accepts connections (the kernel's backlog) and never answers: a hung Redis.
      String text = config(spec("embedded")).replace(
          "(name = \"ns\", kv = (embedded = (path = \"data/ns\"))),",
          "(name = \"ns\", kv = (redis = (url = \"redis://127.0.0.1:" + closed + "\", keyPrefix = \"x:\"))),"
          + "(name = \"hung\", kv = (redis = (url = \"redis://127.0.0.1:" + silent.getLocalPort()
          + "\", keyPrefix = \"x:\"))),")
          .replace("(name = \"PEER\", service = \"peer\")", "(name = \"PEER\", service = \"peer\"), (name = \"HUNG\", kvNamespace = \"hung\")");
      var prepared = new ListAppender<ILoggingEvent>();
      prepared.start();
      var backendsLog = (Logger) LoggerFactory.getLogger(dev.capmesh.runner.kv.KvBackends.class);
      backendsLog.addAppender(prepared);
      try {
        start(text, Duration.ofMillis(800));
        // The runner tried both at start, off any request, and said so; the calls below each
        // make their own attempt.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (prepared.list.size() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
      } finally {
        backendsLog.detachAppender(prepared);
      }
      assertThat(prepared.list).extracting(ILoggingEvent::getFormattedMessage).hasSize(2)
          .anyMatch(l -> l.contains("event=kv-prepare-failed backend=\"Redis 127.0.0.1:" + closed + "\""))
          .anyMatch(l -> l.contains("event=kv-prepare-failed backend=\"Redis 127.0.0.1:" + silent.getLocalPort() + "\""));
      Map<String, String> down = call("/get");
      assertThat(down.get("message")).contains("KV binding \\\"KV\\\": get failed: Redis 127.0.0.1:" + closed)
          .containsIgnoringCase("connect");
      assertThat(Long.parseLong(down.get("ms"))).isLessThan(5_000);

      var hung = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return call("/get?b=HUNG");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      // While the hung call waits, the same worker keeps answering.
      long t0 = System.nanoTime();
      assertThat(call("/ping")).containsEntry("pong", "true");
      assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
      Map<String, String> r = hung.get(30, TimeUnit.SECONDS);
      assertThat(r.get("message")).contains("KV binding \\\"HUNG\\\": get failed: Redis 127.0.0.1:"
          + silent.getLocalPort() + " did not answer within 800 ms");
      assertThat(Long.parseLong(r.get("ms"))).isBetween(700L, 5_000L);
    }
  }

  @Test
  void redisComingBackIsUsedWithoutARestart() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start(null)) {
      start(config("(redis = (url = \"" + server.url() + "\", keyPrefix = \"back:\"))"), Duration.ofSeconds(2));
      assertThat(call("/put?k=k&v=before")).containsEntry("ok", "undefined");
      server.kill();
      assertThat(call("/get?k=k").get("message")).contains("KV binding \\\"KV\\\": get failed: Redis 127.0.0.1:" + server.port);
      server.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Map<String, String> r;
      while (!(r = call("/put?k=k&v=after")).containsKey("ok")) {
        assertThat(System.nanoTime()).as("recovered: %s", r).isLessThan(deadline);
        Thread.sleep(100);
      }
      assertThat(call("/get?k=k")).containsEntry("ok", "\"after\"");
    }
  }
}
