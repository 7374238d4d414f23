package dev.capmesh.runner.js;

import dev.capmesh.runner.kv.KvBackend;
import dev.capmesh.runner.kv.KvEntry;
import dev.capmesh.runner.kv.KvNamespace;
import dev.capmesh.runner.kv.KvPage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import dev.capmesh.runner.observe.BindingUse.Outcome;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.jspecify.annotations.Nullable;

/**
 * The host side of {@code env.KV} (web-kv.js): get, put, del and list on a {@link Handles.Kv}.
 * Each runs on the context's thread, starts the namespace's asynchronous call, and settles the
 * JS promise later through the context's own task queue. Argument errors reject with a
 * TypeError naming the limit; backend failures with an Error naming the binding and the cause.
 * Values travel to JS as Latin-1 strings and from JS as ArrayBuffers.
 */
final class KvHooks {
  /** KV operations one request may make, as in Workers KV. */
  static final int MAX_OPERATIONS_PER_REQUEST = 1000;

  private final WorkerContext wc;
  /** The glue's settleGet and rejectWith (web-kv.js), given by setup; context thread only. */
  private @Nullable Value settleGet;
  private @Nullable Value rejectWith;
  /** Context thread only (answers are decoded there). */
  private final Utf8 utf8 = new Utf8();
  /** Context thread only: the namespaces whose backend calls are held back until the next flush. */
  private final ArrayList<KvNamespace> holding = new ArrayList<>(2);
  /** Context thread only: their batches, sent at the context's next flush. */
  private final ArrayList<KvBackend.Batch> batches = new ArrayList<>(2);

  KvHooks(WorkerContext wc) {
    this.wc = wc;
  }

  ProxyObject asProxy() {
    Map<String, Object> m = new HashMap<>();
    // setup(settleGet, rejectWith): the glue's two shared functions, given once per context.
    m.put("setup", (ProxyExecutable) a -> {
      settleGet = a[0];
      rejectWith = a[1];
      return null;
    });
    // get(handle, key, cacheTtl, code, resolve, reject): code = type (0 text, 1 json,
    // 2 arrayBuffer, 3 stream) + 4 with metadata. resolve and reject are the promise's own: a
    // text value decoded here (well-formed UTF-8) or null is resolved with directly, anything
    // else goes through settleGet (web-kv.js).
    m.put("get", (ProxyExecutable) a -> {
      String key = a[1].asString();
      int code = a[3].asInt();
      Value reject = a[5];
      return start(a[0], a[4], reject, "get", key, 0, ns -> ns.get(key, number(a[2])),
          (resolve, e) -> answerGet(resolve, reject, code, e), KvHooks::size, null);
    });
    // put(handle, key, value, expiration, expirationTtl, metadata, resolve, reject): the value is
    // an ArrayBuffer, or a string encoded here as utf8Encode (web-core.js) would.
    m.put("put", (ProxyExecutable) a -> {
      byte[][] value = new byte[1][];
      String key = a[1].asString();
      return start(a[0], a[6], a[7], "put", key, 0,
          ns -> ns.put(key, value[0] = bytes(a[2]), number(a[3]), number(a[4]), text(a[5])),
          (resolve, v) -> resolve.executeVoid(), v -> 0, () -> value[0] == null ? 0 : value[0].length);
    });
    // getMany(handle, keys, cacheTtl, asText, resolve, reject): the bulk get([...]); resolves
    // with one flat array, three elements per key: value, metadata, whether decoded here.
    m.put("getMany", (ProxyExecutable) a -> {
      boolean asText = a[3].isBoolean() && a[3].asBoolean();
      startMany(a[0], a[1], a[2], asText, a[4], a[5]);
      return null;
    });
    // del(handle, key, resolve, reject); list(handle, prefix, limit, cursor, resolve, reject):
    // list resolves with (complete, cursor, flat keys).
    m.put("del", (ProxyExecutable) a -> start(a[0], a[2], a[3], "delete", text(a[1]), 0,
        ns -> ns.delete(a[1].asString()), (resolve, v) -> resolve.executeVoid(), v -> 0, null));
    m.put("list", (ProxyExecutable) a -> start(a[0], a[4], a[5], "list",
        a[1].isNull() ? "" : a[1].asString(), 0,
        ns -> ns.list(text(a[1]), number(a[2]), text(a[3])), (resolve, l) -> resolve.execute(listing(l)),
        v -> 0, null));
    return ProxyObject.fromMap(m);
  }

  /** Settles a get's promise with entry {@code e} as {@code code} asks (see "get" above). */
  private void answerGet(Value resolve, Value reject, int code, @Nullable KvEntry e) {
    int type = code & 3;
    boolean withMetadata = (code & 4) != 0;
    Value settleGet = glue(this.settleGet);
    if (e == null) {
      if (withMetadata) {
        settleGet.execute(resolve, reject, code, null, null, false);
      } else {
        resolve.execute((Object) null);
      }
      return;
    }
    String text = type <= 1 ? utf8.decodeWellFormed(e.value()) : null;
    if (text != null && type == 0 && !withMetadata) {
      resolve.execute(text);
    } else if (text != null) {
      settleGet.execute(resolve, reject, code, text, e.metadataJson(), true);
    } else {
      settleGet.execute(resolve, reject, code, WorkerContext.latin1(e.value()), e.metadataJson(), false);
    }
  }

  private static long size(@Nullable KvEntry e) {
    return e == null ? 0 : e.value().length;
  }

  private static @Nullable Double number(Value v) {
    return v.isNull() ? null : v.asDouble();
  }

  private static @Nullable String text(Value v) {
    return v.isNull() ? null : v.asString();
  }

  private static byte[] bytes(Value buffer) {
    if (buffer.isString()) {
      return Utf8.encode(buffer.asString());
    }
    long size = buffer.getBufferSize();
    if (size > KvNamespace.MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("KV put failed: the value is " + size
          + " bytes, over the value size limit of " + KvNamespace.MAX_VALUE_BYTES + " bytes (25 MiB)");
    }
    byte[] out = new byte[(int) size];
    buffer.readBuffer(0, out, 0, out.length);
    return out;
  }

  private static Object[] entry(@Nullable KvEntry e) {
    return e == null ? new Object[] {null, null, false}
        : new Object[] {WorkerContext.latin1(e.value()), e.metadataJson(), false};
  }

  /** The entry with its value as text when it is well-formed UTF-8 (third element true). */
  private Object[] textEntry(@Nullable KvEntry e) {
    if (e == null) {
      return new Object[] {null, null, false};
    }
    String text = utf8.decodeWellFormed(e.value());
    return text == null ? new Object[] {WorkerContext.latin1(e.value()), e.metadataJson(), false}
        : new Object[] {text, e.metadataJson(), true};
  }

  private static Object[] listing(KvNamespace.Listing l) {
    var flat = new ArrayList<Object>();
    for (KvPage.Key k : l.keys()) {
      flat.add(k.name());
      flat.add(k.expiration());
      flat.add(k.metadataJson());
    }
    return new Object[] {l.complete(), l.cursor(), ProxyArray.fromList(flat)};
  }

  /**
   * The bulk get: one KV get per key (each counted, checked and recorded as one), sent to the
   * backend together, answered in one resumption once all are in: a flat array of
   * {@code [value, metadata, decoded]} per key, in order. The first failure rejects.
   */
  private void startMany(Value handle, Value keyArray, Value cacheTtlValue, boolean asText, Value resolve,
      Value reject) {
    Handles.Kv kv = Handles.kv(handle);
    if (kv == null) {
      throw new IllegalArgumentException("not a KV handle");
    }
    int n = (int) keyArray.getArraySize();
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      keys[i] = keyArray.getArrayElement(i).asString();
    }
    BindingUses uses = wc.worker.uses();
    long start = uses.enabled ? System.nanoTime() : 0;
    RequestState st = wc.current();
    String refusal = st == null ? null : uses.refusal();
    String refused = st == null ? "KV operations are possible only while the worker handles a request"
        : refusal != null ? "refused: " + refusal : null;
    if (refused == null && st.kvOperations.addAndGet(n) > MAX_OPERATIONS_PER_REQUEST) {
      refused = "too many KV operations: a request may make at most " + MAX_OPERATIONS_PER_REQUEST
          + " (request id " + st.requestId + ")";
    }
    if (refused != null) {
      for (String key : keys) {
        uses.record(st, kv.binding, "kv", "get", key, Outcome.ERROR, 0, 0, start);
      }
      fail(reject, "Error", "KV binding \"" + kv.binding + "\": " + refused);
      return;
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<@Nullable KvEntry>[] stages = new CompletableFuture[n];
    Double cacheTtl = number(cacheTtlValue);
    hold(kv.namespace);
    for (int i = 0; i < n; i++) {
      String key = keys[i];
      try {
        stages[i] = kv.namespace.get(key, cacheTtl).toCompletableFuture();
      } catch (RuntimeException e) {
        // Argument errors (a key over the limit): recorded for this key and the ones not started.
        for (int j = i; j < n; j++) {
          uses.record(st, kv.binding, "kv", "get", keys[j], Outcome.ERROR, 0, 0, start);
        }
        for (int j = 0; j < i; j++) {
          recordWhenDone(uses, st, kv, keys[j], stages[j], start);
        }
        fail(reject, e instanceof IllegalArgumentException ? "TypeError" : "Error", message(kv, e));
        return;
      }
      recordWhenDone(uses, st, kv, key, stages[i], start);
    }
    if (st.kvBatch == null) {
      st.kvBatch = new WorkerContext.Batch();
    }
    WorkerContext.Batch batch = st.kvBatch;
    st.opened();
    CompletableFuture.allOf(stages).whenComplete((x, error) -> wc.resumeBatched(st, batch, () -> {
      if (error != null) {
        fail(reject, "Error", message(kv, error));
        return;
      }
      Object[] flat = new Object[3 * n];
      for (int i = 0; i < n; i++) {
        Object[] one = asText ? textEntry(stages[i].join()) : entry(stages[i].join());
        flat[3 * i] = one[0];
        flat[3 * i + 1] = one[1];
        flat[3 * i + 2] = one.length > 2 ? one[2] : Boolean.FALSE;
      }
      resolve.execute(ProxyArray.fromArray(flat));
    }));
  }

  private static void recordWhenDone(BindingUses uses, RequestState st, Handles.Kv kv, String key,
      CompletableFuture<@Nullable KvEntry> stage, long start) {
    if (uses.enabled) {
      stage.whenComplete((value, error) -> uses.record(st, kv.binding, "kv", "get", key,
          error == null ? Outcome.OK : BindingUses.failure(error), error == null ? size(value) : 0, 0, start));
    }
  }

  /**
   * Starts {@code op} on the handle's namespace; {@code answer} settles the promise with the
   * result later, on this thread ({@code resolve} is the promise's own). Never throws into JS:
   * every failure rejects ({@code reject} with an Error, through the glue's rejectWith). Each
   * call is one {@link BindingUses} record ({@code operation} on {@code target}), refused ones
   * included; {@code sent}, when given, tells the bytes sent once {@code op} has run.
   */
  private <T> @Nullable Object start(Value handle, Value resolve, Value reject, String operation,
      @Nullable String target, long bytesOutGiven, Function<KvNamespace, CompletionStage<T>> op,
      BiConsumer<Value, T> answer, ToLongFunction<T> bytesIn, @Nullable LongSupplier sent) {
    Handles.Kv kv = Handles.kv(handle);
    if (kv == null) {
      throw new IllegalArgumentException("not a KV handle");
    }
    BindingUses uses = wc.worker.uses();
    long start = uses.enabled ? System.nanoTime() : 0;
    RequestState st = wc.current();
    if (st == null) {
      uses.record(null, kv.binding, "kv", operation, target, Outcome.ERROR, 0, 0, start);
      fail(reject, "Error", "KV binding \"" + kv.binding + "\": KV operations are possible only "
          + "while the worker handles a request");
      return null;
    }
    String refused = uses.refusal();
    if (refused != null) {
      uses.record(st, kv.binding, "kv", operation, target, Outcome.ERROR, 0, 0, start);
      fail(reject, "Error", "KV binding \"" + kv.binding + "\": refused: " + refused);
      return null;
    }
    if (st.kvOperations.incrementAndGet() > MAX_OPERATIONS_PER_REQUEST) {
      uses.record(st, kv.binding, "kv", operation, target, Outcome.ERROR, 0, 0, start);
      fail(reject, "Error", "KV binding \"" + kv.binding + "\": too many KV operations: a request "
          + "may make at most " + MAX_OPERATIONS_PER_REQUEST + " (request id " + st.requestId + ")");
      return null;
    }
    CompletionStage<T> stage;
    try {
      hold(kv.namespace);
      stage = op.apply(kv.namespace);
    } catch (IllegalArgumentException e) {
      uses.record(st, kv.binding, "kv", operation, target, Outcome.ERROR, 0, 0, start);
      fail(reject, "TypeError", message(kv, e));
      return null;
    } catch (RuntimeException e) {
      uses.record(st, kv.binding, "kv", operation, target, Outcome.ERROR, 0, 0, start);
      fail(reject, "Error", message(kv, e));
      return null;
    }
    long bytesOut = sent == null ? bytesOutGiven : sent.getAsLong();
    if (st.kvBatch == null) {
      st.kvBatch = new WorkerContext.Batch();
    }
    WorkerContext.Batch batch = st.kvBatch;
    st.opened();
    stage.whenComplete((value, error) -> {
      if (uses.enabled) {
        uses.record(st, kv.binding, "kv", operation, target,
            error == null ? Outcome.OK : BindingUses.failure(error),
            error == null ? bytesIn.applyAsLong(value) : 0, error == null ? bytesOut : 0, start);
      }
      wc.resumeBatched(st, batch, () -> {
        if (error != null) {
          fail(reject, "Error", message(kv, error));
        } else {
          answer.accept(resolve, value);
        }
      });
    });
    return null;
  }

  /**
   * Holds the backend calls of {@code ns} until the context's next flush (once the tasks queued
   * now have run): the operations a worker starts in one turn (a Promise.all of gets), and those
   * of the other requests whose tasks run right after, reach Redis in one write, not one each.
   */
  private void hold(KvNamespace ns) {
    for (int i = 0; i < holding.size(); i++) {
      if (holding.get(i) == ns) {
        return;
      }
    }
    if (holding.isEmpty()) {
      wc.atFlush(this::sendHeld);
    }
    holding.add(ns);
    KvBackend.Batch b = ns.hold();
    if (b != null) {
      batches.add(b);
    }
  }

  private void sendHeld() {
    holding.clear();
    for (int i = 0; i < batches.size(); i++) {
      batches.get(i).send();
    }
    batches.clear();
  }

  /** Rejects with a new {@code name} error (TypeError, Error) saying {@code message}. */
  private void fail(Value reject, String name, String message) {
    glue(rejectWith).execute(reject, name, message);
  }

  private static Value glue(@Nullable Value f) {
    if (f == null) {
      throw new IllegalStateException("web-kv.js has not called setup");
    }
    return f;
  }

  /** "KV binding "NAME": put failed: ..." with the worker's secrets redacted. */
  private String message(Handles.Kv kv, Throwable error) {
    Throwable e = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
        ? c.getCause() : error;
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (m.startsWith("KV ")) {
      m = m.substring(3);
    }
    return wc.worker.redact("KV binding \"" + kv.binding + "\": " + m);
  }
}
