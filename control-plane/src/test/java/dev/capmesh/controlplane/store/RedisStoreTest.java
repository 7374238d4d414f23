package dev.capmesh.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.proto.v1.RunnerPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the real redis-server on 127.0.0.1:6379 (or REDIS_URL); keys under a unique prefix. */
public class RedisStoreTest {
  /** Removes every key under {@code prefix} (tests leave nothing behind in the shared Redis). */
  public static void deleteKeys(String prefix) {
    var client = io.lettuce.core.RedisClient.create(url());
    try (var c = client.connect()) {
      var keys = c.sync().keys(prefix + "*");
      if (!keys.isEmpty()) {
        c.sync().del(keys.toArray(new String[0]));
      }
    } finally {
      client.shutdown();
    }
  }

  public static String url() {
    String u = System.getenv("REDIS_URL");
    return u == null || u.isEmpty() ? "redis://127.0.0.1:6379/0" : u;
  }

  String prefix;
  RedisStore a;
  RedisStore b;

  @BeforeEach
  void open() {
    prefix = "capmesh-test:" + UUID.randomUUID() + ":";
    a = RedisStore.open(url(), prefix);
    b = RedisStore.open(url(), prefix);
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
    deleteKeys(prefix);
  }

  @Test
  void plansFleetsAndRunnersAreShared() {
    RunnerPlan p = FileStoreTest.plan("a");
    a.putPlan("web", p);
    a.updateFleet("web", f -> f.withRollout(FileStoreTest.rollout(p.getVersion())));
    a.putRunner(new RunnerRecord("r1", "web", p.getVersion(), 7, true, "i", "", "", 0, true, "", 1, ""));
    assertThat(b.plan("web", p.getVersion())).contains(p);
    assertThat(b.fleet("web").orElseThrow().rollout()).isEqualTo(FileStoreTest.rollout(p.getVersion()));
    assertThat(b.fleetNames()).containsExactly("web");
    assertThat(b.runners("web")).extracting(RunnerRecord::version).containsExactly(p.getVersion());
  }

  @Test
  void concurrentUpdatesAreNotLost() throws Exception {
    var pool = Executors.newFixedThreadPool(2);
    List<Future<?>> fs = new ArrayList<>();
    for (RedisStore s : List.of(a, b)) {
      fs.add(pool.submit(() -> {
        for (int i = 0; i < 50; i++) {
          s.updateFleet("web", f -> f.withHistory(new HistoryRecord("v", 0, "", "x")));
        }
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    assertThat(a.fleet("web").orElseThrow().history()).hasSize(100);
  }

  @Test
  void oneLeaderAtATimeAndTakeoverAfterTheLease() {
    Duration lease = Duration.ofMillis(300);
    assertThat(a.lead("A", lease)).isTrue();
    assertThat(b.lead("B", lease)).isFalse();
    assertThat(a.lead("A", lease)).isTrue(); // renewal
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    boolean took = false;
    while (!took && System.nanoTime() < deadline) {
      took = b.lead("B", lease); // A stopped renewing
    }
    assertThat(took).isTrue();
    assertThat(a.lead("A", lease)).isFalse();
    b.resign("B");
    assertThat(a.lead("A", lease)).isTrue();
  }

  @Test
  void damagedFleetJsonIsReportedByKey() {
    a.updateFleet("web", f -> f.withVersions("", ""));
    var client = io.lettuce.core.RedisClient.create(url());
    try (var c = client.connect()) {
      c.sync().set(prefix + "fleet:web", "{not json");
    } finally {
      client.shutdown();
    }
    assertThatThrownBy(() -> b.fleet("web")).isInstanceOf(StoreException.class)
        .hasMessageContaining("store key " + prefix + "fleet:web is damaged");
  }

  @Test
  void anUnreachableRedisIsAClearError() {
    assertThatThrownBy(() -> RedisStore.open("redis://127.0.0.1:1/0", "x:"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot reach the store at redis://127.0.0.1:1/0");
  }
}
