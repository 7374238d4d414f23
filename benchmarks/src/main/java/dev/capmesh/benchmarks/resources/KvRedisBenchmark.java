package dev.capmesh.benchmarks.resources;

import dev.capmesh.runner.kv.KvBackend;
import dev.capmesh.runner.kv.KvEntry;
import dev.capmesh.runner.kv.RedisKv;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * KV get and put on one Redis: raw Lettuce (GET/SET on one shared connection, what an
 * application would write by hand) against the runner's {@link RedisKv} backend (HMGET, and the
 * put script that keeps the entry and the namespace's index together), synchronous calls from 32
 * threads. {@code bench/kv/run.sh} compares a worker with {@link KvRawDriver} (async, a fixed
 * number of operations in flight) instead. Run with {@code -p redisUrl=redis://127.0.0.1:PORT}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Threads(32)
public class KvRedisBenchmark {
  @Param("redis://127.0.0.1:6379") public String redisUrl;

  private static final byte[] RAW_KEY = "capmesh-bench:raw".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALUE = "a value of some length, like a session record".getBytes(StandardCharsets.UTF_8);

  private ClientResources resources;
  private RedisClient client;
  private StatefulRedisConnection<byte[], byte[]> connection;
  private KvBackend kv;

  @Setup public void setUp() {
    resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    client = RedisClient.create(resources, redisUrl);
    connection = client.connect(ByteArrayCodec.INSTANCE);
    connection.sync().set(RAW_KEY, VALUE);
    kv = new RedisKv(resources, redisUrl, "capmesh-bench:ns:", null, v -> null, Duration.ofSeconds(5));
    kv.put("key", new KvEntry(VALUE, null, 0)).toCompletableFuture().join();
  }

  @TearDown public void tearDown() {
    kv.close();
    connection.close();
    client.shutdown();
    resources.shutdown(0, 1, TimeUnit.SECONDS);
  }

  @Benchmark public byte[] lettuceGet() {
    return connection.sync().get(RAW_KEY);
  }

  @Benchmark public String lettucePut() {
    return connection.sync().set(RAW_KEY, VALUE);
  }

  @Benchmark public KvEntry redisKvGet() {
    return kv.get("key", 0).toCompletableFuture().join();
  }

  @Benchmark public Void redisKvPut() {
    return kv.put("key", new KvEntry(VALUE, null, 0)).toCompletableFuture().join();
  }
}
