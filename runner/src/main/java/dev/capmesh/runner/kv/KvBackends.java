package dev.capmesh.runner.kv;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KV stores a runner has open, one per distinct backend (an embedded directory, or a Redis
 * URL with a key prefix and password variable), shared by every plan generation that uses it:
 * an MVStore file can be open only once per process, and a kept Redis connection survives plan
 * changes. Everything closes with the runner. Thread-safe.
 */
public final class KvBackends implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KvBackends.class);
  private final Executor blocking;
  private final Function<String, @Nullable String> environment;
  private final Duration timeout;
  private final Map<String, KvBackend> open = new LinkedHashMap<>();
  private @Nullable ClientResources redisResources;
  private boolean closed;

  /**
   * @param blocking where the embedded store's (blocking) calls run
   * @param environment the runner's environment, read at use time (Redis passwords)
   * @param timeout connect and command timeout of network backends
   */
  public KvBackends(Executor blocking, Function<String, @Nullable String> environment, Duration timeout) {
    this.blocking = requireNonNull(blocking, "blocking");
    this.environment = requireNonNull(environment, "environment");
    this.timeout = requireNonNull(timeout, "timeout");
  }

  /** The embedded store in {@code directory} (absolute, normalized), opened on first use. */
  public synchronized KvBackend embedded(Path directory) throws IOException {
    String id = "embedded\0" + directory;
    KvBackend b = open.get(id);
    if (b == null) {
      check();
      b = EmbeddedKv.open(directory, blocking);
      open.put(id, b);
    }
    return b;
  }

  /** The embedded store in {@code directory}, read-only (writes fail with {@code why}). */
  public synchronized KvBackend embeddedReadOnly(Path directory, String why) throws IOException {
    String id = "embedded-ro\0" + directory;
    KvBackend b = open.get(id);
    if (b == null) {
      check();
      b = EmbeddedKv.openReadOnly(directory, blocking, why);
      open.put(id, b);
    }
    return b;
  }

  /**
   * The Redis namespace at {@code url} under {@code keyPrefix}. Its connection opens in the
   * background from now on; a Redis that is down at start does not stop the runner (the failure
   * is logged and the first call tries again).
   *
   * @throws IllegalArgumentException if the URL is not usable
   */
  public synchronized KvBackend redis(String url, String keyPrefix, String passwordEnv) {
    String id = "redis\0" + url + "\0" + keyPrefix + "\0" + passwordEnv;
    KvBackend b = open.get(id);
    if (b == null) {
      check();
      if (redisResources == null) {
        redisResources = DefaultClientResources.builder().ioThreadPoolSize(2)
            .computationThreadPoolSize(2).build();
      }
      b = new RedisKv(redisResources, url, keyPrefix, passwordEnv, environment, timeout);
      open.put(id, b);
      prepareInBackground(b);
    }
    return b;
  }

  /**
   * Connects {@code b} now on the blocking pool, so that the first request does not pay for it:
   * a failure is logged and forgotten (the first call connects again and reports its own error).
   */
  private void prepareInBackground(KvBackend b) {
    CompletableFuture.supplyAsync(b::prepare, blocking).thenCompose(stage -> stage).whenComplete((ok, error) -> {
      if (error != null && !isClosed()) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        log.warn("event=kv-prepare-failed backend=\"{}\" error=\"{}\" detail=\"the first call connects again\"",
            b.describe(), cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
      }
    });
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("the runner is closed");
    }
  }

  @Override public void close() {
    List<KvBackend> all;
    ClientResources resources;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(open.values());
      open.clear();
      resources = redisResources;
      redisResources = null;
    }
    for (KvBackend b : all) {
      try {
        b.close();
      } catch (RuntimeException e) {
        // Closing the others matters more; nothing is left to do with this one.
      }
    }
    if (resources != null) {
      resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
