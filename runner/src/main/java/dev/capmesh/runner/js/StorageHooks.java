package dev.capmesh.runner.js;

import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.storage.ByteRange;
import dev.capmesh.runner.storage.Conditions;
import dev.capmesh.runner.storage.ObjectBucket;
import dev.capmesh.runner.storage.ObjectHttp;
import dev.capmesh.runner.storage.ObjectInfo;
import dev.capmesh.runner.storage.ObjectPage;
import dev.capmesh.runner.storage.ObjectRead;
import dev.capmesh.runner.storage.ObjectWrite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import dev.capmesh.runner.observe.BindingUse.Outcome;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.jspecify.annotations.Nullable;

/**
 * The host side of {@code env.STORAGE} (web-r2.js): head, get, put, del, list and fetch on a
 * {@link Handles.Storage}. Each runs on the context's thread, reads its arguments there, starts
 * the bucket's asynchronous call, and settles the JS promise later through the context's own task
 * queue. Argument errors reject with a TypeError naming the limit; backend failures with an Error
 * naming the binding and the cause. Bodies travel as {@link Handles.Body} handles both ways and
 * are never read whole; one a request opened and did not finish is cancelled when the request
 * ends (its file or connection is released).
 */
final class StorageHooks {
  /** R2 operations one request may make (a capmesh limit: each get may hold an open file). */
  static final int MAX_OPERATIONS_PER_REQUEST = 1000;

  private final WorkerContext wc;

  StorageHooks(WorkerContext wc) {
    this.wc = wc;
  }

  ProxyObject asProxy() {
    Map<String, Object> m = new HashMap<>();
    m.put("head", (ProxyExecutable) a -> start(a[0], a[2], a[3], "head", one(a[1].asString()),
        (b, st) -> b.head(a[1].asString()), (st, info) -> new Object[] {row(info)}, NONE, NONE));
    m.put("get", (ProxyExecutable) a -> start(a[0], a[4], a[5], "get", one(a[1].asString()),
        (b, st) -> b.get(a[1].asString(), conditions(a[2]), range(a[3])), this::read,
        StorageHooks::bodyLength, NONE));
    m.put("put", (ProxyExecutable) a -> start(a[0], a[7], a[8], "put", one(a[1].asString()),
        (b, st) -> b.put(a[1].asString(), body(b, st, a[2]),
            new ObjectWrite(map(a[3]), map(a[4]), checksums(a[5])), conditions(a[6])),
        (st, info) -> new Object[] {row(info)}, NONE, info -> info == null ? 0 : info.size()));
    m.put("del", (ProxyExecutable) a -> start(a[0], a[2], a[3], "delete", strings(a[1]),
        (b, st) -> b.delete(strings(a[1])), (st, v) -> new Object[0], NONE, NONE));
    m.put("list", (ProxyExecutable) a -> start(a[0], a[6], a[7], "list", one(text(a[1])),
        (b, st) -> b.list(text(a[1]), text(a[2]), text(a[3]), text(a[4]), number(a[5])), StorageHooks::page,
        NONE, NONE));
    m.put("fetch", (ProxyExecutable) a -> start(a[0], a[5], a[6], a[1].asString().toLowerCase(Locale.ROOT),
        one(pathKey(a[2].asString())),
        (b, st) -> ObjectHttp.serve(b, a[1].asString(), a[2].asString(), headers(a[3]),
            a[4].isNull() ? BodyStreams.empty() : wc.bodyFromJs(st, a[4])),
        (st, r) -> {
          var flat = new ArrayList<Object>();
          for (var h : r.headers()) {
            flat.add(h.getKey());
            flat.add(h.getValue());
          }
          return new Object[] {r.status(), r.statusText(), ProxyArray.fromList(flat), handle(st, r.body())};
        }, r -> Math.max(0, r.body().knownLength()), NONE));
    return ProxyObject.fromMap(m);
  }

  private static final java.util.function.ToLongFunction<Object> NONE = v -> 0;

  private static List<@Nullable String> one(@Nullable String target) {
    var out = new ArrayList<@Nullable String>(1);
    out.add(target);
    return out;
  }

  /** The key a fetch path names, for the audit record; the path itself when it names none. */
  private static String pathKey(String path) {
    try {
      return ObjectHttp.key(path);
    } catch (IllegalArgumentException e) {
      return path;
    }
  }

  private static long bodyLength(@Nullable ObjectRead read) {
    if (read == null || read.body() == null) {
      return 0;
    }
    return read.range() != null ? read.range().length() : read.info().size();
  }

  // ---------------------------------------------------------------- arguments (context thread)

  private static @Nullable String text(Value v) {
    return v.isNull() ? null : v.asString();
  }

  private static @Nullable Double number(Value v) {
    return v.isNull() ? null : v.asDouble();
  }

  private static List<String> strings(Value array) {
    var out = new ArrayList<String>();
    for (long i = 0; i < array.getArraySize(); i++) {
      out.add(array.getArrayElement(i).asString());
    }
    return out;
  }

  /** [k1, v1, k2, v2, ...] as a map; a later name replaces an earlier one. */
  private static Map<String, String> map(Value flat) {
    Map<String, String> out = new LinkedHashMap<>();
    for (long i = 0; i + 1 < flat.getArraySize(); i += 2) {
      out.put(flat.getArrayElement(i).asString(), flat.getArrayElement(i + 1).asString());
    }
    return out;
  }

  private static Map<String, String> checksums(Value flat) {
    Map<String, String> out = new LinkedHashMap<>();
    map(flat).forEach((k, v) -> out.put(k, v.toLowerCase(Locale.ROOT)));
    return out;
  }

  private static List<Map.Entry<String, String>> headers(Value flat) {
    var out = new ArrayList<Map.Entry<String, String>>();
    for (long i = 0; i + 1 < flat.getArraySize(); i += 2) {
      out.add(Map.entry(flat.getArrayElement(i).asString(), flat.getArrayElement(i + 1).asString()));
    }
    return out;
  }

  /** [etagMatches[], etagDoesNotMatch[], uploadedBefore ms | null, uploadedAfter ms | null]. */
  private static Conditions conditions(Value row) {
    return new Conditions(strings(row.getArrayElement(0)), strings(row.getArrayElement(1)),
        time(row.getArrayElement(2)), time(row.getArrayElement(3)));
  }

  private static @Nullable Instant time(Value v) {
    if (v.isNull()) {
      return null;
    }
    double ms = v.asDouble();
    if (!(Math.abs(ms) <= 8.64e15)) {
      throw new IllegalArgumentException("R2 operation failed: a time in onlyIf is out of range");
    }
    return Instant.ofEpochMilli((long) ms);
  }

  /** [offset | -1, length | -1, suffix | -1], or null. */
  private static @Nullable ByteRange range(Value row) {
    if (row.isNull()) {
      return null;
    }
    long offset = (long) row.getArrayElement(0).asDouble();
    long length = (long) row.getArrayElement(1).asDouble();
    long suffix = (long) row.getArrayElement(2).asDouble();
    try {
      return new ByteRange(offset < 0 ? null : offset, length < 0 ? null : length, suffix < 0 ? null : suffix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("R2 get failed: " + e.getMessage());
    }
  }

  /** A put's value: null, the bytes of an ArrayBuffer, or a stream the worker (or the host) feeds. */
  private BodyStream body(ObjectBucket bucket, RequestState st, Value v) {
    if (v.isNull()) {
      return BodyStreams.empty();
    }
    if (v.hasBufferElements()) {
      long size = v.getBufferSize();
      if (size > bucket.maxPutBytes() || size > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("R2 put failed: the value is " + size + " bytes, over the "
            + (size > bucket.maxPutBytes() ? "maximum upload size of " + bucket.maxPutBytes() + " bytes"
                : "largest buffer a put takes; pass a ReadableStream instead"));
      }
      byte[] bytes = new byte[(int) size];
      v.readBuffer(0, bytes, 0, bytes.length);
      return BodyStreams.of(bytes);
    }
    return wc.bodyFromJs(st, v);
  }

  // ---------------------------------------------------------------- results (context thread)

  /** [key, version, size, etag, uploaded ms, http flat, custom flat, checksums flat], or null. */
  private static @Nullable Object row(@Nullable ObjectInfo info) {
    if (info == null) {
      return null;
    }
    return ProxyArray.fromArray(info.key(), info.version(), info.size(), info.etag(),
        info.uploaded().toEpochMilli(), flat(info.httpMetadata()), flat(info.customMetadata()),
        flat(info.checksums()));
  }

  private static ProxyArray flat(Map<String, String> map) {
    var out = new ArrayList<Object>();
    map.forEach((k, v) -> {
      out.add(k);
      out.add(v);
    });
    return ProxyArray.fromList(out);
  }

  /** (row, hasBody, body handle | null, range offset | -1, range length | -1). */
  private Object[] read(RequestState st, @Nullable ObjectRead read) {
    if (read == null) {
      return new Object[] {null, false, null, -1, -1};
    }
    ByteRange.Resolved r = read.range();
    return new Object[] {row(read.info()), read.body() != null,
        read.body() == null ? null : handle(st, read.body()),
        r == null ? -1 : r.offset(), r == null ? -1 : r.length()};
  }

  /** A body for JS, cancelled when the request ends unless read to its end by then; null if empty. */
  private static @Nullable Object handle(RequestState st, BodyStream body) {
    if (body.knownLength() == 0) {
      body.cancel();
      return null;
    }
    st.atEnd(body::cancel);
    return new Handles.Body(body);
  }

  private static Object[] page(RequestState st, ObjectPage p) {
    var rows = new ArrayList<Object>();
    for (ObjectInfo info : p.objects()) {
      rows.add(row(info));
    }
    return new Object[] {ProxyArray.fromList(rows), p.truncated(), p.cursor(),
        ProxyArray.fromList(new ArrayList<Object>(p.delimitedPrefixes()))};
  }

  // ---------------------------------------------------------------- calls

  /**
   * Starts {@code op} on the handle's bucket; {@code resolve} gets {@code toJs} of the result.
   * Never throws into JS: every failure becomes a rejection. Each call is one {@link BindingUses}
   * record per target ({@code operation} on a key; a delete of many keys, one per key), refused
   * ones included.
   */
  private <T> @Nullable Object start(Value handle, Value resolve, Value reject, String operation,
      List<@Nullable String> targets, BiFunction<ObjectBucket, RequestState, CompletionStage<T>> op,
      BiFunction<RequestState, T, Object[]> toJs, java.util.function.ToLongFunction<? super T> bytesIn,
      java.util.function.ToLongFunction<? super T> bytesOut) {
    Handles.Storage s = Handles.storage(handle);
    if (s == null) {
      throw new IllegalArgumentException("not a storage handle");
    }
    BindingUses uses = wc.worker.uses();
    long start = uses.enabled ? System.nanoTime() : 0;
    RequestState st = wc.current();
    if (st == null) {
      record(uses, null, s, operation, targets, Outcome.ERROR, 0, 0, start);
      reject.execute("Error", "R2 binding \"" + s.binding + "\": R2 operations are possible only while the "
          + "worker handles a request");
      return null;
    }
    String refused = uses.refusal();
    if (refused != null) {
      record(uses, st, s, operation, targets, Outcome.ERROR, 0, 0, start);
      reject.execute("Error", "R2 binding \"" + s.binding + "\": refused: " + refused);
      return null;
    }
    if (st.storageOperations.incrementAndGet() > MAX_OPERATIONS_PER_REQUEST) {
      record(uses, st, s, operation, targets, Outcome.ERROR, 0, 0, start);
      reject.execute("Error", "R2 binding \"" + s.binding + "\": too many R2 operations: a request may make at "
          + "most " + MAX_OPERATIONS_PER_REQUEST + " (request id " + st.requestId + ")");
      return null;
    }
    CompletionStage<T> stage;
    try {
      stage = op.apply(s.bucket, st);
    } catch (IllegalArgumentException e) {
      record(uses, st, s, operation, targets, Outcome.ERROR, 0, 0, start);
      reject.execute("TypeError", message(s, e));
      return null;
    } catch (RuntimeException e) {
      record(uses, st, s, operation, targets, Outcome.ERROR, 0, 0, start);
      reject.execute("Error", message(s, e));
      return null;
    }
    st.opened();
    stage.whenComplete((value, error) -> {
      if (uses.enabled) {
        Throwable e = error == null ? null : unwrap(error);
        Outcome outcome = e == null ? Outcome.OK
            : e instanceof ObjectBucket.BucketException b && b.denied() ? Outcome.DENIED : Outcome.ERROR;
        record(uses, st, s, operation, targets, outcome, e == null ? bytesIn.applyAsLong(value) : 0,
            e == null ? bytesOut.applyAsLong(value) : 0, start);
      }
      wc.resume(st, () -> {
        if (error != null) {
          Throwable e = unwrap(error);
          reject.execute(e instanceof IllegalArgumentException ? "TypeError" : "Error", message(s, e));
        } else {
          Object[] args;
          try {
            args = toJs.apply(st, value);
          } catch (RuntimeException e) {
            reject.execute("Error", message(s, e));
            return;
          }
          resolve.execute(args);
        }
      });
    });
    return null;
  }

  private static void record(BindingUses uses, @Nullable RequestState st, Handles.Storage s, String operation,
      List<@Nullable String> targets, Outcome outcome, long bytesIn, long bytesOut, long start) {
    if (!uses.enabled) {
      return;
    }
    for (String target : targets) {
      uses.record(st, s.binding, "storage", operation, target, outcome, bytesIn, bytesOut, start);
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** "R2 binding "NAME": put failed: ..." with the worker's secrets redacted. */
  private String message(Handles.Storage s, Throwable error) {
    Throwable e = unwrap(error);
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (m.startsWith("R2 ")) {
      m = m.substring(3);
    }
    return wc.worker.redact("R2 binding \"" + s.binding + "\": " + m);
  }
}
