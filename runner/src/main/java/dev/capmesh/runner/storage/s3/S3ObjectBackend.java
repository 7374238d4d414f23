package dev.capmesh.runner.storage.s3;

import static java.util.Objects.requireNonNull;

import dev.capmesh.proto.v1.S3Backend;
import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.storage.ByteRange;
import dev.capmesh.runner.storage.Conditions;
import dev.capmesh.runner.storage.ObjectBackend;
import dev.capmesh.runner.storage.ObjectInfo;
import dev.capmesh.runner.storage.ObjectPage;
import dev.capmesh.runner.storage.ObjectQuery;
import dev.capmesh.runner.storage.ObjectRead;
import dev.capmesh.runner.storage.ObjectWrite;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.ResponsePublisher;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;

/**
 * An {@link ObjectBackend} in an S3 bucket, through the AWS SDK v2 async client over its Netty
 * HTTP client: any S3-compatible server (endpoint, region, bucket, path-style addressing).
 *
 * <p>Credentials are looked up for every request ({@link RotatingCredentials}): from two
 * variables of the runner's environment, or from an AWS-style credentials file that is read
 * again when it changes, so a rotated key needs no restart. Errors name the bucket and the
 * cause, never a credential ({@link S3BackendException}).
 *
 * <p>Bodies stream both ways with backpressure. A put of known length up to 5 GiB is one
 * PutObject that streams the body; any other put (unknown length, larger, or asking for a
 * SHA-384/512 check S3 cannot make) reads the body in parts of {@link #DEFAULT_PART_SIZE}
 * bytes: a body that ends within the first part is one PutObject, a longer one a multipart
 * upload, part by part (at most one part in memory per upload). See {@link S3Uploads}.
 *
 * <p>Conditional calls (R2's {@code onlyIf}) are decided here, with the same
 * {@link Conditions#holds} rules as every backend, on the object a HEAD shows; the GET or PUT
 * that follows is then guarded by that object's entity tag ({@code If-Match}, or
 * {@code If-None-Match: *} when there was none), so a write between the two is detected and
 * the conditions are judged again. A server without conditional writes (it answers 501) gets
 * unguarded puts from then on: between the HEAD and the PUT another writer may slip in.
 *
 * <p>Each call that answers without a body (head, list, delete, and a get until its body
 * starts) must complete within the timeout; a body in flight fails when the connection stays
 * silent that long. Thread-safe.
 */
public final class S3ObjectBackend implements ObjectBackend {
  /** Part size of multipart uploads, and how much of a body of unknown length is read before choosing. */
  public static final int DEFAULT_PART_SIZE = 8 << 20;
  /** The largest single PutObject S3 takes. */
  static final long MAX_SINGLE_PUT = 5L << 30;
  private static final int CONDITION_ATTEMPTS = 3;
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

  private final S3Clients clients;
  /** For calls that may be repeated (retries on). */
  private final S3AsyncClient client;
  final String bucket;
  private final String describe;
  private final Duration timeout;
  final S3Errors errors;
  private final S3Uploads uploads;

  /**
   * The bucket a storage service's {@code s3} backend names.
   *
   * @param spec the plan's S3 settings; an empty endpoint means AWS's endpoint for the region,
   *     an empty region {@code us-east-1}
   * @param baseDirectory where a relative {@code credentials_file} is looked up
   * @param environment the runner's environment, read for every request when the spec names
   *     {@code access_key_id_env} and {@code secret_access_key_env}
   * @param timeout how long one call may take (connecting included) before it fails
   * @throws IllegalArgumentException if the settings are incomplete or malformed (the message
   *     names the field, never a value of the environment)
   */
  public static S3ObjectBackend create(S3Backend spec, Path baseDirectory,
      Function<String, @Nullable String> environment, Duration timeout) {
    requireNonNull(spec, "spec");
    requireNonNull(baseDirectory, "baseDirectory");
    requireNonNull(environment, "environment");
    RotatingCredentials credentials;
    boolean byEnv = !spec.getAccessKeyIdEnv().isEmpty() || !spec.getSecretAccessKeyEnv().isEmpty();
    if (byEnv) {
      if (spec.getAccessKeyIdEnv().isEmpty() || spec.getSecretAccessKeyEnv().isEmpty()) {
        throw new IllegalArgumentException("S3 bucket " + spec.getBucket() + ": accessKeyIdEnv and "
            + "secretAccessKeyEnv go together (expected: both set, or credentialsFile)");
      }
      credentials = RotatingCredentials.fromEnvironment(spec.getAccessKeyIdEnv(),
          spec.getSecretAccessKeyEnv(), environment);
    } else if (!spec.getCredentialsFile().isEmpty()) {
      credentials = RotatingCredentials.fromFile(baseDirectory.resolve(spec.getCredentialsFile()),
          Clock.systemUTC());
    } else {
      throw new IllegalArgumentException("S3 bucket " + spec.getBucket() + " has no credentials "
          + "(expected: accessKeyIdEnv and secretAccessKeyEnv, or credentialsFile)");
    }
    return new S3ObjectBackend(spec.getEndpoint(), spec.getRegion(), spec.getBucket(),
        spec.getPathStyle(), credentials, timeout, DEFAULT_PART_SIZE);
  }

  S3ObjectBackend(String endpoint, String region, String bucket, boolean pathStyle,
      RotatingCredentials credentials, Duration timeout, int partSize) {
    requireNonNull(bucket, "bucket");
    requireNonNull(timeout, "timeout");
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("bucket: \"\" (expected: a bucket name)");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    String regionName = region.isEmpty() ? "us-east-1" : region;
    URI endpointUri = endpoint.isEmpty() ? null : S3Clients.endpointUri(bucket, endpoint);
    // Virtual-hosted addressing puts the bucket in the host name, which an IP address cannot take.
    boolean forcePathStyle = pathStyle || (endpointUri != null && S3Clients.isIpLiteral(endpointUri.getHost()));
    this.bucket = bucket;
    this.timeout = timeout;
    this.describe = "S3 bucket " + bucket + " at "
        + (endpointUri == null ? "AWS (" + regionName + ")" : endpointUri.toString());
    this.errors = new S3Errors(describe, timeout, credentials);
    this.clients = new S3Clients(endpointUri, regionName, forcePathStyle, credentials, timeout);
    this.client = clients.reader;
    this.uploads = new S3Uploads(this, clients.writer, partSize);
  }

  AwsRequestOverrideConfiguration timed() {
    return AwsRequestOverrideConfiguration.builder().apiCallTimeout(timeout).build();
  }

  @Override public String describe() {
    return describe;
  }

  @Override public String toString() {
    return "S3ObjectBackend[" + describe + "]";
  }

  // ---- head -------------------------------------------------------------------------------

  @Override public CompletionStage<@Nullable ObjectInfo> head(String key) {
    requireNonNull(key, "key");
    return client.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED)
            .overrideConfiguration(timed()))
        .handle((r, e) -> {
          if (e == null) {
            return infoOf(key, r);
          }
          if (S3Errors.status(e) == 404) {
            return null;
          }
          throw errors.translate("head", e);
        });
  }

  static ObjectInfo infoOf(String key, HeadObjectResponse r) {
    return S3Codec.info(key, r.contentLength() == null ? 0 : r.contentLength(), r.eTag(), r.lastModified(),
        S3Codec.httpMetadata(r.contentType(), r.contentLanguage(), r.contentDisposition(),
            r.contentEncoding(), r.cacheControl(), r.expiresString()),
        S3Codec.fromUserMetadata(r.metadata()),
        S3Codec.checksums(S3Codec.unquote(r.eTag()), r.checksumSHA1(), r.checksumSHA256()));
  }

  // ---- get --------------------------------------------------------------------------------

  @Override public CompletionStage<@Nullable ObjectRead> get(String key, Conditions conditions,
      @Nullable ByteRange range) {
    requireNonNull(key, "key");
    requireNonNull(conditions, "conditions");
    if (conditions.isEmpty()) {
      return fetch(key, range, null).thenApply(f -> f.read);
    }
    return conditionalGet(key, conditions, range, 1);
  }

  private CompletionStage<@Nullable ObjectRead> conditionalGet(String key, Conditions conditions,
      @Nullable ByteRange range, int attempt) {
    return head(key).thenCompose(info -> {
      if (info == null) {
        return CompletableFuture.completedFuture(null);
      }
      if (!conditions.holds(info)) {
        return CompletableFuture.completedFuture(new ObjectRead(info, null, null));
      }
      return fetch(key, range, info.etag()).thenCompose(f -> {
        if (!f.changed) {
          return CompletableFuture.completedFuture(f.read);
        }
        if (attempt >= CONDITION_ATTEMPTS) {
          throw errors.failed("get", "the object kept changing while its conditions were checked");
        }
        return conditionalGet(key, conditions, range, attempt + 1);
      });
    });
  }

  /** A get's answer, or {@code changed} when the object no longer had the entity tag asked for. */
  private record Fetched(@Nullable ObjectRead read, boolean changed) {}

  private CompletionStage<Fetched> fetch(String key, @Nullable ByteRange range, @Nullable String ifMatch) {
    if (range != null && ((range.length() != null && range.length() == 0)
        || (range.suffix() != null && range.suffix() == 0))) {
      // HTTP cannot ask for zero bytes: the metadata is all there is to read.
      return emptyRange(key, range, ifMatch);
    }
    String header = range == null ? null : rangeHeader(range);
    return client.getObject(b -> {
          b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED).overrideConfiguration(timed());
          if (header != null) {
            b.range(header);
          }
          if (ifMatch != null) {
            b.ifMatch('"' + ifMatch + '"');
          }
        }, AsyncResponseTransformer.<GetObjectResponse>toPublisher())
        .handle((publisher, e) -> {
          if (e == null) {
            return CompletableFuture.completedFuture(new Fetched(readOf(key, range, publisher), false));
          }
          int status = S3Errors.status(e);
          String code = S3Errors.code(e);
          if (ifMatch != null && (status == 412 || status == 404)) {
            return CompletableFuture.completedFuture(new Fetched(null, true));
          }
          if (status == 404 && !"NoSuchBucket".equals(code)) {
            return CompletableFuture.completedFuture(new Fetched(null, false));
          }
          if (status == 416 && range != null) {
            return emptyRange(key, range, ifMatch);
          }
          return CompletableFuture.<Fetched>failedFuture(errors.translate("get", e));
        })
        .thenCompose(x -> x);
  }

  /** A range that holds no bytes of the object: a zero length, or an object too short for it. */
  private CompletionStage<Fetched> emptyRange(String key, ByteRange range, @Nullable String ifMatch) {
    return head(key).thenApply(info -> {
      if (info == null) {
        return new Fetched(null, ifMatch != null);
      }
      if (ifMatch != null && !ifMatch.equals(info.etag())) {
        return new Fetched(null, true);
      }
      ByteRange.Resolved r = range.resolve(info.size());
      if (r == null) {
        throw new IllegalArgumentException("range: offset " + range.offset() + " is not within the object's "
            + info.size() + " bytes (expected: offset < size)");
      }
      if (r.length() > 0) {
        throw errors.failed("get", "the server refused a range that the object's " + info.size()
            + " bytes satisfy");
      }
      return new Fetched(new ObjectRead(info, BodyStreams.empty(), r), false);
    });
  }

  private static String rangeHeader(ByteRange range) {
    if (range.suffix() != null) {
      return "bytes=-" + range.suffix();
    }
    long offset = range.offset();
    return range.length() == null ? "bytes=" + offset + "-" : "bytes=" + offset + "-" + (offset + range.length() - 1);
  }

  private ObjectRead readOf(String key, @Nullable ByteRange range, ResponsePublisher<GetObjectResponse> publisher) {
    GetObjectResponse r = publisher.response();
    long length = r.contentLength() == null ? -1 : r.contentLength();
    long size = length;
    ByteRange.Resolved resolved = null;
    String contentRange = r.contentRange();
    if (contentRange != null) {
      Matcher m = CONTENT_RANGE.matcher(contentRange);
      if (m.matches()) {
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        size = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
        resolved = new ByteRange.Resolved(first, last - first + 1);
      }
    } else if (range != null) {
      // The server sent the whole object: say which bytes of it these are.
      resolved = new ByteRange.Resolved(0, Math.max(0, length));
      if (!(range.offset() != null && range.offset() == 0)) {
        publisher.subscribe(new CancelAll());
        throw errors.failed("get", "the server ignored the range it was asked for");
      }
    }
    String etag = S3Codec.unquote(r.eTag());
    ObjectInfo info = S3Codec.info(key, Math.max(0, size), r.eTag(), r.lastModified(),
        S3Codec.httpMetadata(r.contentType(), r.contentLanguage(), r.contentDisposition(),
            r.contentEncoding(), r.cacheControl(), r.expiresString()),
        S3Codec.fromUserMetadata(r.metadata()),
        S3Codec.checksums(etag, r.checksumSHA1(), r.checksumSHA256()));
    BodyStream body = BodySubscriber.of(publisher, length, e -> errors.translate("get", e), clients.eventLoops,
        timeout, () -> errors.failed("get", "no answer within " + timeout.toMillis() + " ms (timeout)"));
    return new ObjectRead(info, body, range == null ? null : resolved);
  }

  /** Drains nothing: cancels a response body no one will read. */
  private static final class CancelAll implements org.reactivestreams.Subscriber<java.nio.ByteBuffer> {
    @Override public void onSubscribe(org.reactivestreams.Subscription s) {
      s.cancel();
    }

    @Override public void onNext(java.nio.ByteBuffer b) {}

    @Override public void onError(Throwable t) {}

    @Override public void onComplete() {}
  }

  // ---- put --------------------------------------------------------------------------------

  @Override public CompletionStage<@Nullable ObjectInfo> put(String key, BodyStream body, ObjectWrite write,
      Conditions conditions) {
    requireNonNull(key, "key");
    requireNonNull(body, "body");
    requireNonNull(write, "write");
    requireNonNull(conditions, "conditions");
    return uploads.put(key, body, write, conditions);
  }

  // ---- delete -----------------------------------------------------------------------------

  /** DeleteObjects takes at most this many keys. */
  private static final int DELETE_BATCH = 1000;

  @Override public CompletionStage<Void> delete(List<String> keys) {
    requireNonNull(keys, "keys");
    List<String> all = List.copyOf(keys);
    if (all.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    if (all.size() == 1) {
      return client.deleteObject(b -> b.bucket(bucket).key(all.getFirst()).overrideConfiguration(timed()))
          .handle((r, e) -> {
            if (e != null && !(S3Errors.status(e) == 404 && !"NoSuchBucket".equals(S3Errors.code(e)))) {
              throw errors.translate("delete", e);
            }
            return null;
          });
    }
    return deleteBatches(all, 0);
  }

  private CompletionStage<Void> deleteBatches(List<String> keys, int from) {
    if (from >= keys.size()) {
      return CompletableFuture.completedFuture(null);
    }
    List<ObjectIdentifier> batch = new ArrayList<>();
    for (String k : keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH))) {
      batch.add(ObjectIdentifier.builder().key(k).build());
    }
    return client.deleteObjects(b -> b.bucket(bucket)
            .delete(Delete.builder().objects(batch).quiet(true).build())
            .overrideConfiguration(timed()))
        .handle((r, e) -> {
          if (e != null) {
            throw errors.translate("delete", e);
          }
          for (S3Error err : r.errors()) {
            if (!"NoSuchKey".equals(err.code())) {
              throw new S3BackendException(describe + ": delete failed: " + err.code()
                  + (err.message() == null ? "" : ": " + err.message()), err.code());
            }
          }
          return null;
        })
        .thenCompose(x -> deleteBatches(keys, from + DELETE_BATCH));
  }

  // ---- list -------------------------------------------------------------------------------

  /**
   * {@inheritDoc}
   *
   * <p>One ListObjectsV2 call: S3 lists keys in the order of their UTF-8 bytes and counts
   * objects and rolled-up prefixes together against the limit, as R2 does. The cursor is S3's
   * continuation token. Listed objects carry no HTTP or custom metadata (ListObjectsV2 does not
   * return it); {@link #head} does.
   */
  @Override public CompletionStage<ObjectPage> list(ObjectQuery query) {
    requireNonNull(query, "query");
    return client.listObjectsV2(b -> {
          b.bucket(bucket).maxKeys(query.limit()).overrideConfiguration(timed());
          if (!query.prefix().isEmpty()) {
            b.prefix(query.prefix());
          }
          if (query.delimiter() != null) {
            b.delimiter(query.delimiter());
          }
          if (query.cursor() != null) {
            b.continuationToken(query.cursor());
          }
          if (query.startAfter() != null) {
            b.startAfter(query.startAfter());
          }
        })
        .handle((r, e) -> {
          if (e != null) {
            throw errors.translate("list", e);
          }
          var objects = new ArrayList<ObjectInfo>();
          for (var o : r.contents()) {
            String etag = S3Codec.unquote(o.eTag());
            objects.add(S3Codec.info(o.key(), o.size() == null ? 0 : o.size(), o.eTag(), o.lastModified(),
                java.util.Map.of(), java.util.Map.of(), S3Codec.checksums(etag, null, null)));
          }
          var prefixes = new ArrayList<String>();
          r.commonPrefixes().forEach(p -> prefixes.add(p.prefix()));
          boolean truncated = Boolean.TRUE.equals(r.isTruncated());
          return new ObjectPage(objects, prefixes, truncated, truncated ? r.nextContinuationToken() : null);
        });
  }

  @Override public void close() {
    clients.close();
  }
}
