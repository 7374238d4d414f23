package dev.capmesh.runner.kv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KV namespaces on a real three-node Redis Cluster the test starts and tears down. */
class RedisClusterKvTest {
  @TempDir static Path dir;
  static RedisClusterProcess cluster;
  static ClientResources resources;
  private final MutableClock clock = MutableClock.now();
  private final List<KvBackend> opened = new ArrayList<>();

  @BeforeAll static void startCluster() throws Exception {
    cluster = RedisClusterProcess.start(dir);
    resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1).build();
  }

  @AfterAll static void stopCluster() throws Exception {
    resources.shutdown(0, 1, TimeUnit.SECONDS);
    cluster.close();
  }

  @AfterEach void closeBackends() {
    opened.forEach(KvBackend::close);
  }

  private KvNamespace namespace(String prefix) {
    var b = new RedisKv(resources, cluster.url(), prefix, null, v -> null, Duration.ofSeconds(5));
    opened.add(b);
    return new KvNamespace(b, clock, Duration.ofSeconds(5), UnaryOperator.identity());
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static List<String> names(KvNamespace.Listing l) {
    return l.keys().stream().map(KvPage.Key::name).toList();
  }

  /** The node (port) that holds {@code key}. */
  private static int nodeOf(String key) throws Exception {
    String slot = RedisClusterProcess.cli(cluster.ports.getFirst(), "cluster", "keyslot", key).strip();
    for (int port : cluster.ports) {
      if (RedisClusterProcess.cli(port, "cluster", "countkeysinslot", slot).strip().equals("0")) {
        continue;
      }
      return port;
    }
    return -1;
  }

  @Test void namespacesWorkAcrossTheClusterWithWorkersKvOrder() throws Exception {
    var spread = new HashSet<Integer>();
    for (int n = 0; n < 12; n++) {
      String prefix = "tenant-" + n + ":";
      KvNamespace ns = namespace(prefix);
      for (String k : List.of("b", "a", "é", "c/1", "c/2", "z")) {
        await(ns.put(k, (prefix + k).getBytes(UTF_8), null, null, n % 2 == 0 ? "{\"n\":" + n + "}" : null));
      }
      assertThat(new String(await(ns.get("é", null)).value(), UTF_8)).isEqualTo(prefix + "é");
      assertThat(names(await(ns.list(null, null, null)))).containsExactly("a", "b", "c/1", "c/2", "z", "é");
      assertThat(names(await(ns.list("c/", null, null)))).containsExactly("c/1", "c/2");
      KvNamespace.Listing first = await(ns.list(null, 2.0, null));
      assertThat(names(first)).containsExactly("a", "b");
      assertThat(first.complete()).isFalse();
      assertThat(names(await(ns.list(null, 2.0, first.cursor())))).containsExactly("c/1", "c/2");
      await(ns.delete("b"));
      assertThat(await(ns.get("b", null))).isNull();
      assertThat(names(await(ns.list(null, null, null)))).containsExactly("a", "c/1", "c/2", "z", "é");
      // All of a namespace's keys share one hash tag: one slot, one node.
      int node = nodeOf("{" + prefix + "}i");
      assertThat(node).isPositive();
      assertThat(nodeOf("{" + prefix + "}k:a")).isEqualTo(node);
      spread.add(node);
    }
    // Twelve namespaces do not all land on one master.
    assertThat(spread).hasSizeGreaterThan(1);
  }

  /**
   * The first call of a fresh backend waits for the connection; it must not continue on Lettuce's
   * I/O thread, where a dispatch to a node not connected yet blocks the thread that would connect
   * it. Many fresh backends, each with a put as its first call, on namespaces spread over the
   * masters: each put answers, and each close returns.
   */
  @Test void theFirstCallOfAFreshBackendNeverDeadlocksLettucesThread() throws Exception {
    var closer = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    try {
      for (int n = 0; n < 24; n++) {
        var b = new RedisKv(resources, cluster.url(), "fresh-" + n + ":", null, v -> null, Duration.ofSeconds(5));
        try {
          b.put("k", new KvEntry(("v" + n).getBytes(UTF_8), null, 0)).toCompletableFuture().get(20, TimeUnit.SECONDS);
          assertThat(new String(b.get("k", System.currentTimeMillis() / 1000).toCompletableFuture().get(20, TimeUnit.SECONDS).value(), UTF_8))
              .isEqualTo("v" + n);
        } finally {
          closer.submit(b::close).get(20, TimeUnit.SECONDS);
        }
      }
    } finally {
      closer.shutdownNow();
    }
  }

  @Test void expiryIsExactOnRead() throws Exception {
    KvNamespace ns = namespace("expiry:");
    await(ns.put("short", "v".getBytes(UTF_8), null, 60.0, null));
    await(ns.put("long", "v".getBytes(UTF_8), null, 600.0, null));
    clock.advance(Duration.ofSeconds(61));
    assertThat(await(ns.get("short", null))).isNull();
    assertThat(names(await(ns.list(null, null, null)))).containsExactly("long");
  }

  @Test void prefixesThatCannotBeAHashTagStillShareOneSlot() {
    assertThat(RedisKv.clusterPrefix("app:")).isEqualTo("{app:}");
    String empty = RedisKv.clusterPrefix("");
    assertThat(empty).matches("\\{[0-9a-f]{16}\\}");
    String braces = RedisKv.clusterPrefix("a{b}");
    assertThat(braces).matches("\\{[0-9a-f]{16}\\}a\\{b\\}");
    assertThat(RedisKv.clusterPrefix("a{b}")).isEqualTo(braces);
  }

  @Test void emptyPrefixNamespaceWorks() throws Exception {
    KvNamespace ns = namespace("");
    await(ns.put("k", "v".getBytes(UTF_8), null, null, null));
    assertThat(names(await(ns.list(null, null, null)))).contains("k");
    await(ns.delete("k"));
  }

  @Test void clusterUrlsAreChecked() {
    assertThatThrownBy(() -> new RedisKv(resources, "redis://127.0.0.1:1/2,redis://127.0.0.1:2", "p", null,
        v -> null, Duration.ofSeconds(1))).hasMessageContaining("database 0");
    assertThatThrownBy(() -> new RedisKv(resources, "redis://127.0.0.1:1,rediss://127.0.0.1:2", "p", null,
        v -> null, Duration.ofSeconds(1))).hasMessageContaining("mix");
    assertThatThrownBy(() -> new RedisKv(resources, "redis://127.0.0.1:1,redis://u:hunter2@127.0.0.1:2", "p", null,
        v -> null, Duration.ofSeconds(1))).hasMessageContaining("passwordEnv").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> new RedisKv(resources, "redis://127.0.0.1:1,http://127.0.0.1:2", "p", null,
        v -> null, Duration.ofSeconds(1))).hasMessageContaining("not valid");
  }

  @Test void describesTheClusterWithoutThePrefix() {
    var b = new RedisKv(resources, cluster.url(), "secret-tenant:", null, v -> null, Duration.ofSeconds(5));
    opened.add(b);
    assertThat(b.describe()).startsWith("Redis cluster 127.0.0.1:" + cluster.ports.getFirst() + ",127.0.0.1:")
        .doesNotContain("secret-tenant");
  }
}
