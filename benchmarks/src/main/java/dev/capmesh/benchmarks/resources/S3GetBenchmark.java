package dev.capmesh.benchmarks.resources;

import dev.capmesh.proto.v1.S3Backend;
import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.storage.Conditions;
import dev.capmesh.runner.storage.ObjectRead;
import dev.capmesh.runner.storage.ObjectWrite;
import dev.capmesh.runner.storage.s3.S3ObjectBackend;
import dev.capmesh.testing.s3.S3TestServer;
import java.nio.ByteBuffer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A 1 MiB object read from an in-process s3proxy: through {@link S3ObjectBackend#get} (the
 * runner's backend: per-request credential lookup, a body pulled chunk by chunk) against the AWS
 * SDK alone ({@code S3AsyncClient.getObject} streamed to a counting subscriber, the client set up
 * like the backend's: two event loops, checksums only where required). The server is the same
 * for both, in this JVM, so the difference is the backend's own cost. Four threads.
 *
 * <p>With {@code -p endpoint=http://127.0.0.1:PORT} both read from that server instead (bucket
 * {@code bench}, object {@code obj}, 1 MiB, already there; the key {@code AKIDBENCH000000001} /
 * {@code bench-secret}): bench/storage/run.sh's standalone s3proxy, the one its worker reads
 * from, so the SDK row and the worker row measure the same server and object.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Threads(4)
public class S3GetBenchmark {
  private static final String KEY_ID = "AKIDBENCH000000001";
  private static final String SECRET = "bench-secret";
  private static final int SIZE = 1 << 20;

  /** An S3 server already holding {@code bench/obj}, or "in-process": start s3proxy in this JVM. */
  @Param("in-process") public String endpoint;

  private S3TestServer server;
  private S3ObjectBackend backend;
  private S3AsyncClient sdk;

  @Setup public void setUp() {
    URI at;
    if (endpoint.equals("in-process")) {
      server = S3TestServer.start(KEY_ID, SECRET);
      server.createBucket("bench");
      at = server.endpoint();
    } else {
      at = URI.create(endpoint);
    }
    var env = Map.of("KEY", KEY_ID, "SECRET", SECRET);
    backend = S3ObjectBackend.create(S3Backend.newBuilder().setEndpoint(at.toString())
        .setBucket("bench").setPathStyle(true).setAccessKeyIdEnv("KEY").setSecretAccessKeyEnv("SECRET").build(),
        Path.of("."), env::get, Duration.ofSeconds(10));
    if (server != null) {
      byte[] bytes = new byte[SIZE];
      new java.util.Random(1).nextBytes(bytes);
      backend.put("obj", BodyStreams.of(bytes), ObjectWrite.PLAIN, Conditions.NONE).toCompletableFuture().join();
    }
    // Configured as the backend configures its reader (same HTTP client settings, checksums only
    // where required), so the difference is the backend's own work.
    sdk = S3AsyncClient.builder()
        .httpClient(NettyNioAsyncHttpClient.builder().maxConcurrency(64)
            .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(2)).build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, SECRET)))
        .endpointOverride(at)
        .forcePathStyle(true)
        .build();
  }

  @TearDown public void tearDown() {
    sdk.close();
    backend.close();
    if (server != null) {
      server.close();
    }
  }

  @Benchmark public long backendGet() {
    ObjectRead read = backend.get("obj", Conditions.NONE, null).toCompletableFuture().join();
    BodyStream body = read.body();
    long n = 0;
    for (ByteBuffer b; (b = body.read().toCompletableFuture().join()) != null; ) {
      n += b.remaining();
    }
    return check(n);
  }

  @Benchmark public long sdkGet() {
    return sdkRead(false);
  }

  /**
   * The SDK alone asking for the object's checksums, as the backend does (R2's get reports them):
   * the SDK then also checks the body against the checksum the server sends.
   */
  @Benchmark public long sdkGetWithChecksums() {
    return sdkRead(true);
  }

  /** One get of the object by the SDK alone, its body counted as it streams in. */
  private long sdkRead(boolean checksums) {
    var count = new AtomicLong();
    CompletableFuture<Void> done = sdk.getObject(b -> {
          b.bucket("bench").key("obj");
          if (checksums) {
            b.checksumMode(ChecksumMode.ENABLED);
          }
        }, AsyncResponseTransformer.<GetObjectResponse>toPublisher())
        .thenCompose(p -> p.subscribe(buf -> count.addAndGet(buf.remaining())));
    done.join();
    return check(count.get());
  }

  private static long check(long n) {
    if (n != SIZE) {
      throw new IllegalStateException("read " + n + " bytes of " + SIZE);
    }
    return n;
  }
}
