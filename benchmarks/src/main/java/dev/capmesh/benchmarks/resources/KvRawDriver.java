package dev.capmesh.benchmarks.resources;

import dev.capmesh.runner.kv.KvBackend;
import dev.capmesh.runner.kv.KvEntry;
import dev.capmesh.runner.kv.RedisKv;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The raw side of {@code bench/kv/run.sh}: KV operations per second at a fixed number of
 * operations in flight, through Lettuce's async API on one connection (what an application
 * would write by hand: GET/SET) or through the runner's {@link RedisKv} backend without a worker
 * (HMGET, and the put script). Each of N slots issues its next operation when the previous one
 * completes, so exactly N are in flight, as when a worker awaits N KV calls at once.
 *
 * <p>A long-lived process (warm like the runner it is compared with): it reads commands from
 * standard input, one a line, {@code OP INFLIGHT SECONDS} with OP one of {@code get}, {@code put}
 * (raw Lettuce), {@code kvget}, {@code kvput} (RedisKv), and prints the operations per second of
 * that window on one line. Argument: the Redis URL. Lettuce is set up as the runner sets it up
 * (two I/O threads, two computation threads).
 */
public final class KvRawDriver {
  private static final byte[] RAW_KEY = "capmesh-bench:raw".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALUE =
      "a value of some length, like a session record".getBytes(StandardCharsets.UTF_8);

  private KvRawDriver() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2)
        .computationThreadPoolSize(2).build();
    RedisClient client = RedisClient.create(resources, url);
    StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
    RedisAsyncCommands<byte[], byte[]> redis = connection.async();
    connection.sync().set(RAW_KEY, VALUE);
    KvBackend kv = new RedisKv(resources, url, "capmesh-bench:driver:", null, v -> null, Duration.ofSeconds(5));
    kv.put("key", new KvEntry(VALUE, null, 0)).toCompletableFuture().join();
    var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] p = line.strip().split("\\s+");
      if (p.length != 3) {
        continue;
      }
      int inflight = Integer.parseInt(p[1]);
      double seconds = Double.parseDouble(p[2]);
      Supplier<CompletionStage<?>> op = switch (p[0]) {
        case "get" -> () -> redis.get(RAW_KEY);
        case "put" -> () -> redis.set(RAW_KEY, VALUE);
        case "kvget" -> () -> kv.get("key", System.currentTimeMillis() / 1000);
        case "kvput" -> () -> kv.put("key", new KvEntry(VALUE, null, 0));
        default -> throw new IllegalArgumentException("op: " + p[0] + " (expected: get, put, kvget, kvput)");
      };
      System.out.printf("%.0f%n", run(op, inflight, seconds));
      System.out.flush();
    }
    kv.close();
    connection.close();
    client.shutdown();
    resources.shutdown(0, 1, TimeUnit.SECONDS);
  }

  /** Operations completed per second with {@code inflight} outstanding, over {@code seconds}. */
  private static double run(Supplier<CompletionStage<?>> op, int inflight, double seconds)
      throws InterruptedException {
    var done = new AtomicLong();
    var failed = new AtomicLong();
    var stop = new AtomicBoolean();
    var live = new java.util.concurrent.CountDownLatch(inflight);
    long start = System.nanoTime();
    for (int i = 0; i < inflight; i++) {
      slot(op, done, failed, stop, live);
    }
    Thread.sleep((long) (seconds * 1000));
    long count = done.get();
    long elapsed = System.nanoTime() - start;
    stop.set(true);
    live.await(10, TimeUnit.SECONDS);
    if (failed.get() > 0) {
      System.err.println("failed operations: " + failed.get());
    }
    return count * 1e9 / elapsed;
  }

  private static void slot(Supplier<CompletionStage<?>> op, AtomicLong done, AtomicLong failed,
      AtomicBoolean stop, java.util.concurrent.CountDownLatch live) {
    op.get().whenComplete((v, e) -> {
      if (e != null) {
        failed.incrementAndGet();
      } else {
        done.incrementAndGet();
      }
      if (stop.get()) {
        live.countDown();
      } else {
        slot(op, done, failed, stop, live);
      }
    });
  }
}
