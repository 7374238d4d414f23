package dev.capmesh.runner.storage.s3;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.defaultsmode.DefaultsMode;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The SDK clients of one S3 backend, on two event loops of its own: a reader (head, get, list,
 * delete; retried by the SDK within the call timeout) and a writer (puts, never retried, since a
 * body is read once), each over its own Netty HTTP client with the timeouts its calls need.
 */
final class S3Clients implements AutoCloseable {
  /** How long a put's body may pause before the put fails (or the timeout, if longer). */
  static final Duration BODY_IDLE = Duration.ofSeconds(60);

  final EventLoopGroup eventLoops;
  private final SdkAsyncHttpClient readHttp;
  private final SdkAsyncHttpClient writeHttp;
  final S3AsyncClient reader;
  final S3AsyncClient writer;
  private final Duration timeout;

  S3Clients(@Nullable URI endpoint, String region, boolean pathStyle, RotatingCredentials credentials,
      Duration timeout) {
    this.timeout = timeout;
    // Our own event loops, so that closing does not wait out Netty's default quiet period.
    this.eventLoops = nioEventLoops();
    // Reads: each call is bounded by the API call timeout until its answer (headers) arrives;
    // a body then flows as fast as its consumer reads, which may pause for as long as it likes
    // (no socket read timeout). BodySubscriber fails a read that S3 leaves unanswered.
    this.readHttp = NettyNioAsyncHttpClient.builder()
        .eventLoopGroup(SdkEventLoopGroup.create(eventLoops, NioSocketChannel::new))
        .connectionTimeout(timeout)
        .connectionAcquisitionTimeout(timeout)
        .readTimeout(Duration.ZERO)
        .writeTimeout(timeout)
        .maxConcurrency(64)
        .build();
    // Writes: the server must answer within the timeout once a body is sent; the body itself
    // may pause for up to BODY_IDLE (a worker relaying a slow client) before the put fails.
    this.writeHttp = NettyNioAsyncHttpClient.builder()
        .eventLoopGroup(SdkEventLoopGroup.create(eventLoops, NioSocketChannel::new))
        .connectionTimeout(timeout)
        .connectionAcquisitionTimeout(timeout)
        .readTimeout(timeout)
        .writeTimeout(timeout.compareTo(BODY_IDLE) > 0 ? timeout : BODY_IDLE)
        .maxConcurrency(64)
        .build();
    this.reader = client(readHttp, endpoint, region, pathStyle, credentials, true);
    this.writer = client(writeHttp, endpoint, region, pathStyle, credentials, false);
  }

  /** The SDK recognises only the classic NIO group (it picks its datagram channel by the group's class). */
  @SuppressWarnings("deprecation")
  private static EventLoopGroup nioEventLoops() {
    return new io.netty.channel.nio.NioEventLoopGroup(2);
  }

  private static S3AsyncClient client(SdkAsyncHttpClient http, @Nullable URI endpoint, String region,
      boolean pathStyle, RotatingCredentials credentials, boolean retries) {
    var b = S3AsyncClient.builder()
        .httpClient(http)
        .region(Region.of(region))
        .credentialsProvider(credentials)
        .forcePathStyle(pathStyle)
        .defaultsMode(DefaultsMode.STANDARD)
        // Checksums only where S3 requires them (DeleteObjects): S3-compatible servers differ in
        // what else they accept, and the checks the worker asks for are sent explicitly.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(o -> {
          // No ~/.aws/config of whoever runs the runner changes how it talks to S3.
          o.defaultProfileFileSupplier(S3Clients::emptyProfile);
          o.defaultProfileName("default");
          if (!retries) {
            o.retryStrategy(AwsRetryStrategy.doNotRetry());
          }
        });
    if (endpoint != null) {
      b.endpointOverride(endpoint);
    }
    return b.build();
  }

  private static ProfileFile emptyProfile() {
    return ProfileFile.builder().content(new ByteArrayInputStream(new byte[0]))
        .type(ProfileFile.Type.CONFIGURATION).build();
  }

  static URI endpointUri(String bucket, String endpoint) {
    URI u;
    try {
      u = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("S3 bucket " + bucket + ": endpoint is not a URL "
          + "(expected: http://HOST:PORT or https://HOST)");
    }
    if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
        || u.getHost() == null) {
      throw new IllegalArgumentException("S3 bucket " + bucket + ": endpoint " + u.getScheme()
          + "://... (expected: http://HOST:PORT or https://HOST)");
    }
    if (u.getRawUserInfo() != null) {
      throw new IllegalArgumentException("S3 bucket " + bucket + ": the endpoint carries user "
          + "info; name environment variables in accessKeyIdEnv and secretAccessKeyEnv instead");
    }
    return URI.create(u.getScheme() + "://" + u.getRawAuthority()
        + (u.getRawPath() == null || u.getRawPath().equals("/") ? "" : u.getRawPath()));
  }

  static boolean isIpLiteral(@Nullable String host) {
    if (host == null) {
      return false;
    }
    return host.startsWith("[") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  @Override public void close() {
    reader.close();
    writer.close();
    readHttp.close();
    writeHttp.close();
    eventLoops.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
