package dev.capmesh.runner.kv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A Redis namespace connects when the runner opens it, not on a worker's first call: in a cold
 * process that first connection (Lettuce's classes, the handshake) would otherwise be paid out of
 * the first request's CPU allowance. Real redis-server processes on loopback ports.
 */
@Timeout(60)
class KvBackendsPrepareTest {
  private final ExecutorService blocking = Executors.newFixedThreadPool(2);
  private final Map<String, String> environment = new HashMap<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(KvBackends.class);
  private KvBackends backends;

  @BeforeEach void setUp() {
    logs.start();
    logger.addAppender(logs);
    backends = new KvBackends(blocking, environment::get, Duration.ofSeconds(5));
  }

  @AfterEach void tearDown() throws InterruptedException {
    backends.close();
    logger.detachAppender(logs);
    blocking.shutdownNow();
    blocking.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Waits for {@code condition}, polling; the class's timeout bounds the wait. */
  private static void await(BooleanSupplier condition) throws InterruptedException {
    while (!condition.getAsBoolean()) {
      Thread.sleep(10);
    }
  }

  @Test
  void aRedisNamespaceIsConnectedBeforeItsFirstCall() throws Exception {
    try (RedisServerProcess server = RedisServerProcess.start("prepare-pass-4e1b")) {
      environment.put("CAPMESH_T_PREPARE_PASSWORD", "prepare-pass-4e1b");
      var kv = (RedisKv) backends.redis(server.url(), "prepare:", "CAPMESH_T_PREPARE_PASSWORD");
      await(kv::connected);
      // The prepared connection is the one calls use: it authenticated and answers.
      kv.put("k", new KvEntry("v".getBytes(UTF_8), null, 0))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(new String(kv.get("k", 0).toCompletableFuture().get(10, TimeUnit.SECONDS).value(),
          UTF_8)).isEqualTo("v");
      assertThat(logs.list).isEmpty();
    }
  }

  @Test
  void aRedisThatIsDownAtStartIsReportedAndTheFirstCallAfterItCameUpConnects() throws Exception {
    int port = RedisServerProcess.freePort();
    var kv = (RedisKv) backends.redis("redis://127.0.0.1:" + port, "late:", "");
    await(() -> !logs.list.isEmpty());
    assertThat(logs.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
        .contains("event=kv-prepare-failed", "backend=\"Redis 127.0.0.1:" + port + "\"",
            "the first call connects again");
    assertThat(kv.connected()).isFalse();
    try (RedisServerProcess server = RedisServerProcess.on(port)) {
      server.start();
      kv.put("k", new KvEntry("late".getBytes(UTF_8), null, 0))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(kv.connected()).isTrue();
    }
  }

  @Test
  void aMissingPasswordVariableIsReportedByItsName() throws Exception {
    var kv = backends.redis(TestRedis.URL, "nopass:", "CAPMESH_T_UNSET_PASSWORD");
    await(() -> !logs.list.isEmpty());
    assertThat(logs.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
        .contains("event=kv-prepare-failed", "CAPMESH_T_UNSET_PASSWORD named by passwordEnv is not set");
    assertThat(((RedisKv) kv).connected()).isFalse();
  }
}
