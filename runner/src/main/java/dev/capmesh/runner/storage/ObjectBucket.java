package dev.capmesh.runner.storage;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.service.BodyStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A bucket as workers see it: the R2 limits and argument checks, and a deadline on every backend
 * call, over an {@link ObjectBackend}. Argument errors throw {@link IllegalArgumentException}
 * naming the limit (a put cancels its body first); backend failures complete the stage with a
 * {@link BucketException} naming the operation and the cause, never a credential or a local
 * path. Thread-safe.
 *
 * <p>The deadline ({@code timeout}) bounds how long the backend may take to answer a head, get,
 * delete or list, to deliver each chunk of a get's body, and, during a put, to do its part: to
 * take the next chunk once it has one and to finish once the body has ended. Time spent waiting
 * for a slow writer's body does not count. A put that timed out may still be stored; one that
 * was acknowledged is.
 */
public final class ObjectBucket {
  /** The longest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;
  /** The largest custom metadata: the UTF-8 bytes of its names and values together. */
  public static final int MAX_CUSTOM_METADATA_BYTES = 2048;
  /** The largest metadata of an object, HTTP and custom together, counted the same way. */
  public static final int MAX_METADATA_BYTES = 8192;
  /** The largest object one put may store: 5 GiB less 5 MiB, as in R2. */
  public static final long MAX_PUT_BYTES = (5L << 30) - (5L << 20);
  /** The most objects one list returns (and its default). */
  public static final int MAX_LIST_LIMIT = ObjectQuery.MAX_LIMIT;
  /** The most keys one delete removes. */
  public static final int MAX_DELETE_KEYS = 1000;
  /** The HTTP metadata fields an object may have. */
  public static final Set<String> HTTP_FIELDS = Set.of("contentType", "contentLanguage",
      "contentDisposition", "contentEncoding", "cacheControl", "cacheExpiry");
  private static final Map<String, Integer> DIGEST_BYTES = Map.of("md5", 16, "sha1", 20, "sha256", 32,
      "sha384", 48, "sha512", 64);

  private final ObjectBackend backend;
  private final Duration timeout;
  private final UnaryOperator<String> redact;
  private final long maxPutBytes;

  /**
   * @param redact applied to every backend error text before it leaves (removes what the backend
   *     library might print: credentials, local paths)
   */
  public ObjectBucket(ObjectBackend backend, Duration timeout, UnaryOperator<String> redact) {
    this(backend, timeout, redact, MAX_PUT_BYTES);
  }

  /** A bucket whose puts store at most {@code maxPutBytes} (tests use small limits). */
  public ObjectBucket(ObjectBackend backend, Duration timeout, UnaryOperator<String> redact, long maxPutBytes) {
    this.backend = requireNonNull(backend, "backend");
    this.timeout = requireNonNull(timeout, "timeout");
    this.redact = requireNonNull(redact, "redact");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    if (maxPutBytes < 0) {
      throw new IllegalArgumentException("maxPutBytes: " + maxPutBytes + " (expected: >= 0)");
    }
    this.maxPutBytes = maxPutBytes;
  }

  /** What stores the objects, as workers may see it ("the embedded object store"). */
  public String describe() {
    return backend.describe();
  }

  /** The largest object one put may store. */
  public long maxPutBytes() {
    return maxPutBytes;
  }

  /** The object's metadata, or null. */
  public CompletionStage<@Nullable ObjectInfo> head(String key) {
    checkKey("head", key);
    return guard("head", backend.head(key), v -> {});
  }

  /**
   * The object, or null; without a body when {@code conditions} do not hold. Its body delivers
   * each chunk within the deadline or fails naming the cause.
   */
  public CompletionStage<@Nullable ObjectRead> get(String key, Conditions conditions, @Nullable ByteRange range) {
    checkKey("get", key);
    checkConditions("get", conditions);
    return guard("get", backend.get(key, conditions, range), ObjectBucket::discard)
        .thenApply(read -> read == null || read.body() == null ? read
            : new ObjectRead(read.info(), new DeadlineBody(read.body()), read.range()));
  }

  /**
   * Stores the body under {@code key}; null (nothing stored) when {@code conditions} do not hold.
   * The body is pulled chunk by chunk and never held whole.
   */
  public CompletionStage<@Nullable ObjectInfo> put(String key, BodyStream body, ObjectWrite write,
      Conditions conditions) {
    try {
      checkKey("put", key);
      checkConditions("put", conditions);
      checkWrite(write);
      long known = body.knownLength();
      if (known > maxPutBytes) {
        throw tooLarge(known);
      }
    } catch (IllegalArgumentException e) {
      body.cancel();
      throw e;
    }
    var out = new CompletableFuture<@Nullable ObjectInfo>();
    var turn = new Turn(out, body);
    turn.arm();
    CompletionStage<@Nullable ObjectInfo> stage;
    try {
      stage = backend.put(key, new LimitedBody(body, turn), write, conditions);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((info, error) -> {
      turn.end();
      if (error != null) {
        out.completeExceptionally(failure("put", error));
      } else {
        out.complete(info);
      }
    });
    return out;
  }

  /** Removes every key in {@code keys} (1 to {@value #MAX_DELETE_KEYS} of them). */
  public CompletionStage<Void> delete(List<String> keys) {
    if (keys.size() > MAX_DELETE_KEYS) {
      throw new IllegalArgumentException("R2 delete failed: " + keys.size() + " keys given; one delete "
          + "removes at most " + MAX_DELETE_KEYS + " keys");
    }
    for (String key : keys) {
      checkKey("delete", key);
    }
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return guard("delete", backend.delete(keys), v -> {});
  }

  /**
   * One page of objects starting with {@code prefix}, after {@code startAfter} and after the
   * page {@code cursor} ended, at most {@code limit} (default {@value #MAX_LIST_LIMIT}) objects
   * and delimited prefixes together.
   */
  public CompletionStage<ObjectPage> list(@Nullable String prefix, @Nullable String delimiter,
      @Nullable String cursor, @Nullable String startAfter, @Nullable Double limit) {
    int n = MAX_LIST_LIMIT;
    if (limit != null) {
      if (!(limit >= 1 && limit <= MAX_LIST_LIMIT) || limit != Math.floor(limit)) {
        throw new IllegalArgumentException("R2 list failed: limit " + number(limit)
            + " is invalid; the list limit is an integer from 1 to " + MAX_LIST_LIMIT);
      }
      n = limit.intValue();
    }
    String p = prefix == null ? "" : prefix;
    checkText("list", "prefix", p, MAX_KEY_BYTES);
    if (startAfter != null) {
      checkText("list", "startAfter", startAfter, MAX_KEY_BYTES);
    }
    if (delimiter != null) {
      checkText("list", "delimiter", delimiter, MAX_KEY_BYTES);
    }
    if (cursor != null) {
      checkText("list", "cursor", cursor, 4 * MAX_KEY_BYTES);
    }
    var query = new ObjectQuery(p, delimiter, cursor == null || cursor.isEmpty() ? null : cursor,
        startAfter, n);
    return guard("list", backend.list(query), v -> {});
  }

  // ---------------------------------------------------------------- checks

  private static void checkKey(String op, String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("R2 " + op + " failed: the key is empty; a key must be 1 to "
          + MAX_KEY_BYTES + " bytes");
    }
    checkText(op, "key", key, MAX_KEY_BYTES);
  }

  private static void checkText(String op, String what, String text, int maxBytes) {
    if (!wellFormed(text)) {
      throw new IllegalArgumentException("R2 " + op + " failed: the " + what + " is not well-formed "
          + "Unicode (it has an unpaired surrogate)");
    }
    int size = utf8Length(text);
    if (size > maxBytes) {
      throw new IllegalArgumentException("R2 " + op + " failed: the " + what + " is " + size
          + " bytes in UTF-8, over the " + what + " length limit of " + maxBytes + " bytes");
    }
  }

  private static void checkConditions(String op, Conditions c) {
    for (String tag : c.etagMatches()) {
      checkText(op, "etag condition", tag, MAX_KEY_BYTES);
    }
    for (String tag : c.etagDoesNotMatch()) {
      checkText(op, "etag condition", tag, MAX_KEY_BYTES);
    }
  }

  private void checkWrite(ObjectWrite write) {
    int custom = 0;
    for (var e : write.customMetadata().entrySet()) {
      if (e.getKey().isEmpty()) {
        throw new IllegalArgumentException("R2 put failed: a customMetadata name is empty");
      }
      if (!wellFormed(e.getKey()) || !wellFormed(e.getValue())) {
        throw new IllegalArgumentException("R2 put failed: customMetadata is not well-formed Unicode "
            + "(it has an unpaired surrogate)");
      }
      custom += utf8Length(e.getKey()) + utf8Length(e.getValue());
    }
    if (custom > MAX_CUSTOM_METADATA_BYTES) {
      throw new IllegalArgumentException("R2 put failed: the customMetadata is " + custom
          + " bytes (names and values in UTF-8), over the customMetadata size limit of "
          + MAX_CUSTOM_METADATA_BYTES + " bytes");
    }
    int http = 0;
    for (var e : write.httpMetadata().entrySet()) {
      if (!HTTP_FIELDS.contains(e.getKey())) {
        throw new IllegalArgumentException("R2 put failed: unknown httpMetadata field \"" + e.getKey()
            + "\"; the fields are " + String.join(", ", HTTP_FIELDS.stream().sorted().toList()));
      }
      String v = e.getValue();
      // These become response headers (writeHttpMetadata, fetch): no line breaks, no controls.
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          throw new IllegalArgumentException("R2 put failed: httpMetadata." + e.getKey()
              + " holds a control character; HTTP header values cannot");
        }
      }
      if (!wellFormed(v)) {
        throw new IllegalArgumentException("R2 put failed: httpMetadata." + e.getKey()
            + " is not well-formed Unicode (it has an unpaired surrogate)");
      }
      if (e.getKey().equals("cacheExpiry") && !v.matches("-?[0-9]{1,16}")) {
        throw new IllegalArgumentException("R2 put failed: httpMetadata.cacheExpiry must be a time "
            + "(milliseconds since the epoch)");
      }
      http += utf8Length(e.getKey()) + utf8Length(v);
    }
    if (http + custom > MAX_METADATA_BYTES) {
      throw new IllegalArgumentException("R2 put failed: the object's metadata is " + (http + custom)
          + " bytes, over the object metadata size limit of " + MAX_METADATA_BYTES + " bytes");
    }
    if (write.expectedChecksums().size() > 1) {
      throw new IllegalArgumentException("R2 put failed: give at most one checksum (md5, sha1, sha256, "
          + "sha384 or sha512), not " + write.expectedChecksums().size());
    }
    for (var e : write.expectedChecksums().entrySet()) {
      Integer bytes = DIGEST_BYTES.get(e.getKey());
      if (bytes == null) {
        throw new IllegalArgumentException("R2 put failed: unknown checksum \"" + e.getKey()
            + "\"; the checksums are md5, sha1, sha256, sha384 and sha512");
      }
      if (!e.getValue().matches("[0-9a-fA-F]{" + (2 * bytes) + "}")) {
        throw new IllegalArgumentException("R2 put failed: the " + e.getKey() + " checksum must be "
            + bytes + " bytes (" + (2 * bytes) + " hex digits)");
      }
    }
  }

  private IllegalArgumentException tooLarge(long size) {
    return new IllegalArgumentException("R2 put failed: the object is at least " + size
        + " bytes, over the maximum upload size of " + maxPutBytes + " bytes; nothing was stored");
  }

  /** Whether {@code s} has no unpaired surrogate (so UTF-8 holds it exactly). */
  static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String number(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  // ---------------------------------------------------------------- deadlines and failures

  private static void discard(@Nullable ObjectRead read) {
    if (read != null && read.body() != null) {
      read.body().cancel();
    }
  }

  /**
   * The backend's stage with the deadline applied and its failure described; a value that
   * arrives after the deadline is handed to {@code discard} (a late body must be closed).
   */
  private <T> CompletionStage<T> guard(String op, CompletionStage<T> stage, Consumer<T> late) {
    var race = new CompletableFuture<T>();
    stage.whenComplete((value, error) -> {
      if (error != null) {
        race.completeExceptionally(error);
      } else if (!race.complete(value) && value != null) {
        late.accept(value);
      }
    });
    var out = new CompletableFuture<T>();
    race.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, error) -> {
      if (error == null) {
        out.complete(value);
      } else {
        out.completeExceptionally(failure(op, error));
      }
    });
    return out;
  }

  /** The failure a worker is told of: an argument error stays one; the rest names the cause. */
  private RuntimeException failure(String op, Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof BucketException b) {
      return b;
    }
    if (e instanceof IllegalArgumentException) {
      String m = String.valueOf(e.getMessage());
      return new IllegalArgumentException(m.startsWith("R2 ") ? m : "R2 " + op + " failed: " + redact.apply(m));
    }
    if (e instanceof TimeoutException) {
      return new BucketException(op, backend.describe() + " did not answer within " + timeout.toMillis() + " ms", e);
    }
    if (e instanceof ObjectStoreException s) {
      return new BucketException(op, redact.apply(String.valueOf(s.getMessage())), e);
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
      message = message + ": " + root.getMessage();
    }
    return new BucketException(op, redact.apply(backend.describe() + " failed: " + message), e);
  }

  /**
   * A backend operation failed; the message names the operation and the cause. {@link #getCause}
   * is the backend's own failure (a {@link RangeNotSatisfiableException}, a timeout), which is
   * never shown.
   */
  public static final class BucketException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String op;
    private final String reason;

    BucketException(String op, String reason, @Nullable Throwable cause) {
      super("R2 " + op + " failed: " + reason, cause, false, false);
      this.op = op;
      this.reason = reason;
    }

    /** The operation: head, get, put, delete or list. */
    public String operation() {
      return op;
    }

    /** Why, without the operation. */
    public String reason() {
      return reason;
    }

    /** Whether the store refused the operation by its own policy (a read-only bucket's put). */
    public boolean denied() {
      return getCause() instanceof ObjectStoreException s && s.denied();
    }
  }

  /**
   * The backend's turn during a put: from the start until it asks for the first chunk, from each
   * chunk it gets until it asks for the next, and from the end of the body until it answers. A
   * turn longer than the deadline fails the put and cancels the body.
   */
  private final class Turn {
    private final CompletableFuture<?> out;
    private final BodyStream body;
    private @Nullable CompletableFuture<Void> current;
    private boolean ended;

    Turn(CompletableFuture<?> out, BodyStream body) {
      this.out = out;
      this.body = body;
    }

    synchronized void arm() {
      if (ended) {
        return;
      }
      var t = new CompletableFuture<Void>();
      current = t;
      t.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, error) -> {
        // cancel first, so whoever sees the put fail also sees its body cancelled
        if (error instanceof TimeoutException && !out.isDone()) {
          body.cancel();
          out.completeExceptionally(failure("put", error));
        }
      });
    }

    synchronized void pause() {
      if (current != null) {
        current.complete(null);
        current = null;
      }
    }

    synchronized void end() {
      ended = true;
      pause();
    }
  }

  /** The body a put hands the backend: at most maxPutBytes, with the backend's turns timed. */
  private final class LimitedBody implements BodyStream {
    private final BodyStream inner;
    private final Turn turn;
    private long received;

    LimitedBody(BodyStream inner, Turn turn) {
      this.inner = inner;
      this.turn = turn;
    }

    @Override public CompletionStage<@Nullable ByteBuffer> read() {
      turn.pause();
      return inner.read().thenApply(chunk -> {
        if (chunk != null) {
          received += chunk.remaining();
          if (received > maxPutBytes) {
            inner.cancel();
            throw tooLarge(received);
          }
        }
        turn.arm();
        return chunk;
      });
    }

    @Override public void cancel() {
      inner.cancel();
    }

    @Override public long knownLength() {
      return inner.knownLength();
    }
  }

  /** A get's body: each chunk within the deadline, failures described. */
  private final class DeadlineBody implements BodyStream {
    private final BodyStream inner;

    DeadlineBody(BodyStream inner) {
      this.inner = inner;
    }

    @Override public CompletionStage<@Nullable ByteBuffer> read() {
      var out = new CompletableFuture<@Nullable ByteBuffer>();
      inner.read().toCompletableFuture().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((chunk, error) -> {
            if (error == null) {
              out.complete(chunk);
            } else {
              if (error instanceof TimeoutException || error.getCause() instanceof TimeoutException) {
                inner.cancel();
              }
              out.completeExceptionally(failure("get", error));
            }
          });
      return out;
    }

    @Override public void cancel() {
      inner.cancel();
    }

    @Override public long knownLength() {
      return inner.knownLength();
    }
  }
}
