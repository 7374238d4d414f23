package dev.capmesh.runner.kv;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A KV namespace as workers see it: the Workers KV limits, expiration relative to a clock,
 * opaque list cursors and a deadline on every backend call, over a {@link KvBackend}. Argument
 * errors throw {@link IllegalArgumentException} naming the limit; backend failures complete the
 * stage with a {@link KvException} naming the operation and the cause, never a credential.
 * Thread-safe.
 */
public final class KvNamespace {
  /** The longest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 512;
  /** The largest value: 25 MiB. */
  public static final int MAX_VALUE_BYTES = 25 << 20;
  /** The largest metadata, serialized as JSON, in UTF-8 bytes. */
  public static final int MAX_METADATA_BYTES = 1024;
  /** The shortest time to live and the nearest expiration, in seconds from now. */
  public static final int MIN_TTL_SECONDS = 60;
  /** The most keys one list call returns (and its default). */
  public static final int MAX_LIST_LIMIT = 1000;

  private static final String CURSOR_TAG = "kv1:";

  private final KvBackend backend;
  private final Clock clock;
  private final Duration timeout;
  private final UnaryOperator<String> redact;
  /** Whether the backend bounds get, put and delete by this timeout itself (no timer of ours). */
  private final boolean bounded;

  /**
   * @param redact applied to every backend error text before it leaves (removes credentials the
   *     backend library might print)
   */
  public KvNamespace(KvBackend backend, Clock clock, Duration timeout, UnaryOperator<String> redact) {
    this.backend = requireNonNull(backend, "backend");
    this.clock = requireNonNull(clock, "clock");
    this.timeout = requireNonNull(timeout, "timeout");
    this.redact = requireNonNull(redact, "redact");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    this.bounded = timeout.equals(backend.callTimeout());
  }

  /**
   * Holds the backend calls this thread makes until the returned batch is sent (in a finally);
   * null if the backend sends each at once. See {@link KvBackend#hold}.
   */
  public KvBackend.@Nullable Batch hold() {
    return backend.hold();
  }

  /** What stores the entries, as workers may see it: "the embedded KV store", "Redis 10.0.0.5:6379". */
  public String describe() {
    return backend.describe();
  }

  /** The live entry under {@code key}, or null. */
  public CompletionStage<@Nullable KvEntry> get(String key, @Nullable Double cacheTtl) {
    checkKey("get", key);
    if (cacheTtl != null && !(cacheTtl >= MIN_TTL_SECONDS)) {
      throw new IllegalArgumentException("KV get failed: cacheTtl " + number(cacheTtl)
          + " is under the minimum cacheTtl of " + MIN_TTL_SECONDS + " seconds");
    }
    return guard("get", backend.get(key, nowSeconds()), bounded);
  }

  /**
   * Stores {@code value} under {@code key}. {@code expirationTtl} wins over {@code expiration}
   * when both are given.
   */
  public CompletionStage<Void> put(String key, byte[] value, @Nullable Double expiration,
      @Nullable Double expirationTtl, @Nullable String metadataJson) {
    checkKey("put", key);
    if (value.length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("KV put failed: the value is " + value.length
          + " bytes, over the value size limit of " + MAX_VALUE_BYTES + " bytes (25 MiB)");
    }
    if (metadataJson != null) {
      int size = metadataJson.getBytes(StandardCharsets.UTF_8).length;
      if (size > MAX_METADATA_BYTES) {
        throw new IllegalArgumentException("KV put failed: the metadata is " + size
            + " bytes serialized as JSON, over the metadata size limit of " + MAX_METADATA_BYTES + " bytes");
      }
    }
    long now = nowSeconds();
    long at = 0;
    if (expirationTtl != null) {
      if (!(expirationTtl >= MIN_TTL_SECONDS) || expirationTtl.isInfinite()) {
        throw new IllegalArgumentException("KV put failed: expirationTtl " + number(expirationTtl)
            + " is invalid; the minimum expirationTtl is " + MIN_TTL_SECONDS + " seconds");
      }
      at = now + expirationTtl.longValue();
    } else if (expiration != null) {
      if (!(expiration >= now + MIN_TTL_SECONDS) || expiration.isInfinite()) {
        throw new IllegalArgumentException("KV put failed: expiration " + number(expiration)
            + " is invalid; expiration times must be at least " + MIN_TTL_SECONDS
            + " seconds in the future (now is " + now + " seconds since the epoch)");
      }
      at = expiration.longValue();
    }
    return guard("put", backend.put(key, new KvEntry(value, metadataJson, at)), bounded);
  }

  /** Removes {@code key}. */
  public CompletionStage<Void> delete(String key) {
    checkKey("delete", key);
    return guard("delete", backend.delete(key), bounded);
  }

  /** One page of live keys starting with {@code prefix}; the cursor continues a previous page. */
  public CompletionStage<Listing> list(@Nullable String prefix, @Nullable Double limit,
      @Nullable String cursor) {
    int n = MAX_LIST_LIMIT;
    if (limit != null) {
      if (!(limit >= 1 && limit <= MAX_LIST_LIMIT) || limit != Math.floor(limit)) {
        throw new IllegalArgumentException("KV list failed: limit " + number(limit)
            + " is invalid; the list limit is an integer from 1 to " + MAX_LIST_LIMIT + " keys");
      }
      n = limit.intValue();
    }
    String p = prefix == null ? "" : prefix;
    if (p.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("KV list failed: the prefix is longer than the key length "
          + "limit of " + MAX_KEY_BYTES + " bytes");
    }
    String after = cursor == null || cursor.isEmpty() ? null : decodeCursor(cursor);
    if (after != null && !after.startsWith(p)) {
      // A cursor from a listing with another prefix: continue from the prefix itself.
      after = after.compareTo(p) < 0 ? null : after;
    }
    return guard("list", backend.list(p, after, n, nowSeconds()), false).thenApply(page -> new Listing(
        page.keys(), page.complete(), page.complete() || page.keys().isEmpty() ? null
            : encodeCursor(page.keys().get(page.keys().size() - 1).name())));
  }

  /**
   * A listing as workers see it.
   *
   * @param cursor where the next page starts; null when {@code complete}
   */
  public record Listing(java.util.List<KvPage.Key> keys, boolean complete, @Nullable String cursor) {
    public Listing {
      keys = java.util.List.copyOf(keys);
    }
  }

  private long nowSeconds() {
    return Math.floorDiv(clock.millis(), 1000);
  }

  private static void checkKey(String op, String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("KV " + op + " failed: the key is empty; a key must be 1 to "
          + MAX_KEY_BYTES + " bytes");
    }
    if (key.equals(".") || key.equals("..")) {
      throw new IllegalArgumentException("KV " + op + " failed: a key must not be \".\" or \"..\"");
    }
    int size = utf8Length(key);
    if (size > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("KV " + op + " failed: the key is " + size
          + " bytes in UTF-8, over the key length limit of " + MAX_KEY_BYTES + " bytes");
    }
  }

  /**
   * {@code key.getBytes(UTF_8).length} without the copy (a lone surrogate is one byte there: the
   * encoder's {@code ?}).
   */
  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += Character.isSurrogate(c) ? 1 : 3;
      }
    }
    return n;
  }

  private static String number(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  static String encodeCursor(String lastKey) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((CURSOR_TAG + lastKey).getBytes(StandardCharsets.UTF_8));
  }

  static String decodeCursor(String cursor) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      text = "";
    }
    if (!text.startsWith(CURSOR_TAG)) {
      throw new IllegalArgumentException("KV list failed: the cursor is not one a list() of this "
          + "namespace returned");
    }
    return text.substring(CURSOR_TAG.length());
  }

  /**
   * The backend's stage with its failure described, and the deadline applied unless the
   * backend bounds the call itself ({@code bounded}).
   */
  private <T> CompletionStage<T> guard(String op, CompletionStage<T> stage, boolean bounded) {
    CompletableFuture<T> s = stage.toCompletableFuture();
    if (!bounded) {
      s = s.orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    var out = new CompletableFuture<T>();
    s.whenComplete((value, error) -> {
      if (error == null) {
        out.complete(value);
      } else {
        out.completeExceptionally(new KvException(op, describe(error), isDenied(error)));
      }
    });
    return out;
  }

  private static boolean isDenied(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e instanceof KvException k && k.denied;
  }

  private String describe(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof TimeoutException) {
      return backend.describe() + " did not answer within " + timeout.toMillis() + " ms";
    }
    if (e instanceof KvException k) {
      return k.cause;
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
      message = message + ": " + root.getMessage();
    }
    return redact.apply(backend.describe() + " failed: " + message);
  }

  /** A backend operation failed; the message names the operation and the cause. */
  public static final class KvException extends RuntimeException {
    private final String cause;
    private final boolean denied;

    KvException(String op, String cause) {
      this(op, cause, false);
    }

    /** {@code denied}: the store refuses the operation itself (a read-only store's put). */
    KvException(String op, String cause, boolean denied) {
      super("KV " + op + " failed: " + cause, null, false, false);
      this.cause = cause;
      this.denied = denied;
    }

    /** Whether the store refused the operation by its own policy (not a failure). */
    public boolean denied() {
      return denied;
    }
  }
}
