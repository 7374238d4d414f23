package dev.capmesh.runner.storage.s3;

import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.storage.Conditions;
import dev.capmesh.runner.storage.ObjectInfo;
import dev.capmesh.runner.storage.ObjectWrite;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Puts: one streamed PutObject when the length is known (up to 5 GiB), else the body is read in
 * parts of {@code partSize} bytes. A body that ends within the first part is sent as one
 * PutObject; a longer one becomes a multipart upload, one part in memory at a time, so memory
 * per upload stays below {@code partSize} whatever the object's size.
 *
 * <p>Checksums: on a single PutObject, MD5 travels as {@code Content-MD5} and SHA-1/SHA-256 as
 * S3's {@code x-amz-checksum-*} headers, so the server refuses a mismatching body and stores
 * nothing. S3 has no SHA-384 and no whole-object check on multipart uploads: those bodies are
 * hashed here while they stream, and the upload is aborted (nothing stored) on a mismatch before
 * it is completed.
 */
final class S3Uploads {
  private static final Set<String> SERVER_CHECKED = Set.of("md5", "sha1", "sha256");
  private static final Map<String, String> DIGESTS = Map.of("md5", "MD5", "sha1", "SHA-1",
      "sha256", "SHA-256", "sha384", "SHA-384", "sha512", "SHA-512");
  private static final int CONDITION_ATTEMPTS = 3;

  private final S3ObjectBackend backend;
  /** Sends bodies: no retries. */
  private final S3AsyncClient writer;
  private final int partSize;
  /** False once the server answered a conditional write with 501: later puts go unguarded. */
  private volatile boolean conditionalWrites = true;

  S3Uploads(S3ObjectBackend backend, S3AsyncClient writer, int partSize) {
    this.backend = backend;
    this.writer = writer;
    this.partSize = partSize;
  }

  /** What the object under the key must be for the write to go ahead. */
  private record Guard(@Nullable String ifMatch, boolean ifAbsent) {
    static final Guard NONE = new Guard(null, false);
  }

  /** The write's body was refused because the object changed (a guard failed). */
  private static final class Changed extends RuntimeException {
    Changed() {
      super(null, null, false, false);
    }
  }

  /** The server does not take conditional writes. */
  private static final class Unsupported extends RuntimeException {
    Unsupported() {
      super(null, null, false, false);
    }
  }

  CompletionStage<@Nullable ObjectInfo> put(String key, BodyStream body, ObjectWrite write, Conditions conditions) {
    Map<String, byte[]> expected;
    try {
      expected = expectedDigests(write.expectedChecksums());
    } catch (IllegalArgumentException e) {
      body.cancel();
      return CompletableFuture.failedFuture(e);
    }
    var tracked = new Tracked(body);
    if (conditions.isEmpty()) {
      return upload(key, tracked, write, expected, Guard.NONE).exceptionally(e -> {
        body.cancel();
        throw backend.errors.translate("put", e);
      });
    }
    return conditionalPut(key, tracked, write, expected, conditions, 1).whenComplete((r, e) -> {
      if (e != null) {
        body.cancel(); // e.g. the HEAD failed before the body was touched
      }
    });
  }

  private CompletionStage<@Nullable ObjectInfo> conditionalPut(String key, Tracked body, ObjectWrite write,
      Map<String, byte[]> expected, Conditions conditions, int attempt) {
    return backend.head(key).thenCompose(info -> {
      if (!conditions.holds(info)) {
        body.cancel();
        return CompletableFuture.completedFuture((ObjectInfo) null);
      }
      Guard guard = !conditionalWrites ? Guard.NONE
          : info == null ? new Guard(null, true) : new Guard(info.etag(), false);
      return upload(key, body, write, expected, guard).handle((done, e) -> {
        if (e == null) {
          return CompletableFuture.completedFuture(done);
        }
        Throwable t = S3Errors.unwrap(e);
        if (t instanceof Unsupported) {
          conditionalWrites = false;
        } else if (!(t instanceof Changed)) {
          body.cancel();
          return CompletableFuture.<@Nullable ObjectInfo>failedFuture(backend.errors.translate("put", e));
        }
        if (body.touched) {
          // The body is gone: judge the conditions again, and if they would hold, say so.
          return backend.head(key).thenApply(now -> {
            body.cancel();
            if (!conditions.holds(now)) {
              return (ObjectInfo) null;
            }
            throw backend.errors.failed("put", t instanceof Unsupported
                ? "the server does not support conditional writes; later puts check the conditions "
                    + "before writing (retry)"
                : "the object changed while the conditional put was in flight (retry)");
          });
        }
        if (attempt >= CONDITION_ATTEMPTS) {
          body.cancel();
          return CompletableFuture.<@Nullable ObjectInfo>failedFuture(backend.errors.failed("put",
              "the object kept changing while its conditions were checked"));
        }
        return conditionalPut(key, body, write, expected, conditions, attempt + 1);
      }).thenCompose(x -> x);
    });
  }

  private CompletionStage<ObjectInfo> upload(String key, Tracked body, ObjectWrite write,
      Map<String, byte[]> expected, Guard guard) {
    boolean localCheck = !SERVER_CHECKED.containsAll(expected.keySet());
    long length = body.knownLength();
    if (length >= 0 && length <= S3ObjectBackend.MAX_SINGLE_PUT && !localCheck) {
      return single(key, new BodyPublisher(body, length), body, write, expected, guard);
    }
    var digests = new Digests(expected.keySet());
    var part = new PartReader(body, partSize, digests);
    return part.next().thenCompose(first -> {
      if (first.last() && !localCheck) {
        return single(key, AsyncRequestBody.fromByteBufferUnsafe(first.bytes()), body, write, expected, guard);
      }
      return new Multipart(key, part, write, expected, digests, guard).start(first);
    });
  }

  private CompletionStage<ObjectInfo> single(String key, AsyncRequestBody requestBody, Tracked body,
      ObjectWrite write, Map<String, byte[]> expected, Guard guard) {
    var req = PutObjectRequest.builder().bucket(backend.bucket).key(key)
        .metadata(S3Codec.toUserMetadata(write.customMetadata()));
    requestBody.contentLength().ifPresent(req::contentLength);
    Map<String, String> h = write.httpMetadata();
    req.contentType(h.get("contentType")).contentLanguage(h.get("contentLanguage"))
        .contentDisposition(h.get("contentDisposition")).contentEncoding(h.get("contentEncoding"))
        .cacheControl(h.get("cacheControl")).expires(expiry(h.get("cacheExpiry")));
    if (expected.containsKey("md5")) {
      req.contentMD5(java.util.Base64.getEncoder().encodeToString(expected.get("md5")));
    }
    if (expected.containsKey("sha1")) {
      req.checksumSHA1(java.util.Base64.getEncoder().encodeToString(expected.get("sha1")));
    }
    if (expected.containsKey("sha256")) {
      req.checksumSHA256(java.util.Base64.getEncoder().encodeToString(expected.get("sha256")));
    }
    if (guard.ifMatch() != null) {
      req.ifMatch('"' + guard.ifMatch() + '"');
    } else if (guard.ifAbsent()) {
      req.ifNoneMatch("*");
    }
    return writer.putObject(req.build(), requestBody).handle((r, e) -> {
      if (e != null) {
        throw classify(e, guard);
      }
      return r.eTag();
    }).thenCompose(etag -> written(key, etag, requestBody.contentLength().orElse(0L), write));
  }

  /** A guard's failure as {@link Changed}, a refused guard as {@link Unsupported}, checksum mismatches named. */
  private RuntimeException classify(Throwable e, Guard guard) {
    int status = S3Errors.status(e);
    String code = S3Errors.code(e);
    if (guard != Guard.NONE) {
      if (status == 412 || status == 409 || (status == 404 && !"NoSuchBucket".equals(code))) {
        return new Changed();
      }
      if (status == 501) {
        return new Unsupported();
      }
    }
    if ("BadDigest".equals(code) || "InvalidDigest".equals(code) || (code != null && code.contains("Checksum"))
        || "XAmzContentSHA256Mismatch".equals(code)) {
      return backend.errors.failed("put", "a checksum given for the body does not match it (" + code + ")");
    }
    return backend.errors.translate("put", e);
  }

  /** The stored object's metadata as a HEAD shows it (the same a later get shows). */
  private CompletionStage<ObjectInfo> written(String key, @Nullable String etagHeader, long size,
      ObjectWrite write) {
    String etag = S3Codec.unquote(etagHeader);
    return backend.head(key).handle((info, e) -> {
      if (e == null && info != null && (etag.isEmpty() || info.etag().equals(etag))) {
        return info;
      }
      // Another write got in between (or the HEAD failed): answer what this write stored.
      return S3Codec.info(key, size, etagHeader, Instant.now(),
          write.httpMetadata(), write.customMetadata(), S3Codec.checksums(etag, null, null));
    });
  }

  private static @Nullable Instant expiry(@Nullable String text) {
    return text == null ? null : S3Codec.parseTime(text);
  }

  private static Map<String, byte[]> expectedDigests(Map<String, String> checksums) {
    var out = new LinkedHashMap<String, byte[]>();
    checksums.forEach((alg, hex) -> {
      String a = alg.toLowerCase(Locale.ROOT);
      if (!DIGESTS.containsKey(a)) {
        throw new IllegalArgumentException("checksum " + alg + " (expected: md5, sha1, sha256, sha384 or sha512)");
      }
      try {
        out.put(a, HexFormat.of().parseHex(hex));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("checksum " + alg + ": not a hex digest");
      }
    });
    return out;
  }

  /** Hashes of the bytes read so far, for the algorithms asked for. */
  static final class Digests {
    private final Map<String, MessageDigest> digests = new LinkedHashMap<>();

    Digests(Set<String> algorithms) {
      for (String a : algorithms) {
        try {
          digests.put(a, MessageDigest.getInstance(DIGESTS.get(a)));
        } catch (NoSuchAlgorithmException e) {
          throw new AssertionError(e);
        }
      }
    }

    void update(ByteBuffer chunk) {
      for (MessageDigest d : digests.values()) {
        d.update(chunk.duplicate());
      }
    }

    /** The first algorithm whose digest differs from the expected one, or null. */
    @Nullable String mismatch(Map<String, byte[]> expected) {
      for (var e : digests.entrySet()) {
        if (!MessageDigest.isEqual(e.getValue().digest(), expected.get(e.getKey()))) {
          return e.getKey();
        }
      }
      return null;
    }
  }

  /** A multipart upload in progress: parts go up one at a time, in order. */
  private final class Multipart {
    private final String key;
    private final PartReader reader;
    private final ObjectWrite write;
    private final Map<String, byte[]> expected;
    private final Digests digests;
    private final Guard guard;
    private final List<CompletedPart> parts = new ArrayList<>();
    private @Nullable String uploadId;

    Multipart(String key, PartReader reader, ObjectWrite write, Map<String, byte[]> expected, Digests digests,
        Guard guard) {
      this.key = key;
      this.reader = reader;
      this.write = write;
      this.expected = expected;
      this.digests = digests;
      this.guard = guard;
    }

    CompletionStage<ObjectInfo> start(PartReader.Part first) {
      Map<String, String> h = write.httpMetadata();
      var create = CreateMultipartUploadRequest.builder().bucket(backend.bucket).key(key)
          .metadata(S3Codec.toUserMetadata(write.customMetadata()))
          .contentType(h.get("contentType")).contentLanguage(h.get("contentLanguage"))
          .contentDisposition(h.get("contentDisposition")).contentEncoding(h.get("contentEncoding"))
          .cacheControl(h.get("cacheControl")).expires(expiry(h.get("cacheExpiry")))
          .overrideConfiguration(backend.timed()).build();
      CompletionStage<ObjectInfo> run = writer.createMultipartUpload(create)
          .thenCompose(r -> {
            uploadId = r.uploadId();
            return send(first);
          });
      return run.handle((info, e) -> {
        if (e == null) {
          return CompletableFuture.completedFuture(info);
        }
        reader.cancel();
        Throwable cause = S3Errors.unwrap(e);
        return abort().<ObjectInfo>thenCompose(x -> CompletableFuture.failedFuture(cause));
      }).thenCompose(x -> x);
    }

    private CompletionStage<ObjectInfo> send(PartReader.Part part) {
      int number = parts.size() + 1;
      return writer.uploadPart(b -> b.bucket(backend.bucket).key(key).uploadId(uploadId).partNumber(number)
              .contentLength((long) part.bytes().remaining()),
              AsyncRequestBody.fromByteBufferUnsafe(part.bytes()))
          .thenCompose(r -> {
            parts.add(CompletedPart.builder().partNumber(number).eTag(r.eTag()).build());
            if (part.last()) {
              return complete();
            }
            return reader.next().thenCompose(this::send);
          });
    }

    private CompletionStage<ObjectInfo> complete() {
      String bad = digests.mismatch(expected);
      if (bad != null) {
        return CompletableFuture.failedFuture(backend.errors.failed("put",
            "the " + bad + " checksum given for the body does not match it"));
      }
      return writer.completeMultipartUpload(b -> {
            b.bucket(backend.bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts));
            if (guard.ifMatch() != null) {
              b.ifMatch('"' + guard.ifMatch() + '"');
            } else if (guard.ifAbsent()) {
              b.ifNoneMatch("*");
            }
          })
          .handle((r, e) -> {
            if (e != null) {
              throw classify(e, guard);
            }
            return r.eTag();
          })
          .thenCompose(etag -> written(key, etag, reader.total(), write));
    }

    private CompletionStage<Void> abort() {
      if (uploadId == null) {
        return CompletableFuture.completedFuture(null);
      }
      return writer.abortMultipartUpload(b -> b.bucket(backend.bucket).key(key).uploadId(uploadId)
              .overrideConfiguration(backend.timed()))
          .handle((r, e) -> null);
    }
  }

  /** A body whose first read is remembered: a put that never read its body can be tried again. */
  static final class Tracked implements BodyStream {
    private final BodyStream body;
    volatile boolean touched;

    Tracked(BodyStream body) {
      this.body = body;
    }

    @Override public CompletionStage<@Nullable ByteBuffer> read() {
      touched = true;
      return body.read();
    }

    @Override public void cancel() {
      body.cancel();
    }

    @Override public long knownLength() {
      return body.knownLength();
    }
  }
}
