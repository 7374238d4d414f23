package dev.capmesh.runner.js;

import dev.capmesh.crypto.CryptoKeyObject;
import dev.capmesh.runner.egress.EgressRefusedException;
import dev.capmesh.runner.kv.KvNamespace;
import dev.capmesh.runner.observe.BindingListener;
import dev.capmesh.runner.observe.BindingUse;
import dev.capmesh.runner.observe.BindingUse.Outcome;
import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.services.DiskService;
import dev.capmesh.runner.services.ExternalService;
import dev.capmesh.runner.services.NetworkService;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Tells the runner's {@link BindingListener} of the binding uses of one worker: one
 * {@link BindingUse} per use, at the caller. When the listener is {@link BindingListener#NONE}
 * every method returns at once ({@link #enabled} is false), so a runner without audit or metrics
 * pays one field read per use. Thread-safe.
 */
final class BindingUses {
  /** The binding name of a global {@code fetch()} through the worker's globalOutbound. */
  static final String GLOBAL_OUTBOUND = "globalOutbound";
  /** Targets longer than this are cut (a key or URL can be long; the record stays small). */
  static final int MAX_TARGET_CHARS = 2048;

  private final BindingListener listener;
  final boolean enabled;
  private final String worker;
  private final UnaryOperator<String> redact;
  /** The worker's cryptoKey bindings by their key object (the same object in every context). */
  private final Map<CryptoKeyObject, String> keyBindings;

  /**
   * @param redact replaces the worker's secret values in a target (a worker may use a secret as
   *     a key or put it in a URL); records never carry them
   */
  BindingUses(BindingListener listener, String worker, Map<String, EnvBinding> bindings,
      UnaryOperator<String> redact) {
    this.listener = listener;
    this.enabled = listener != BindingListener.NONE;
    this.worker = worker;
    this.redact = redact;
    var keys = new IdentityHashMap<CryptoKeyObject, String>();
    for (var e : bindings.entrySet()) {
      if (e.getValue() instanceof EnvBinding.CryptoKey k) {
        keys.put(k.key(), e.getKey());
      }
    }
    this.keyBindings = keys;
  }

  /** Why uses are refused now (an audit log failing closed), or null. */
  @Nullable String refusal() {
    return enabled ? listener.refusal() : null;
  }

  /** The binding name of {@code key} if it is one of this worker's cryptoKey bindings. */
  @Nullable String keyBinding(CryptoKeyObject key) {
    return keyBindings.isEmpty() ? null : keyBindings.get(key);
  }

  /** Reports a use that started at {@code startNanos} (System.nanoTime) and ended now. */
  void record(@Nullable RequestState st, String binding, String kind, String operation,
      @Nullable String target, Outcome outcome, long bytesIn, long bytesOut, long startNanos) {
    if (!enabled) {
      return;
    }
    long duration = Math.max(0, System.nanoTime() - startNanos);
    var use = new BindingUse(Instant.now().minusNanos(duration), requestId(st), worker, binding,
        kind, operation, target == null ? null : cut(redact.apply(target)), outcome, bytesIn, bytesOut, duration);
    try {
      listener.used(use);
    } catch (RuntimeException e) {
      // A listener must not throw; if one does, the worker's call is not the place to learn it.
    }
  }

  private static String requestId(@Nullable RequestState st) {
    if (st == null || st.requestId.equals("load") || st.requestId.equals("background")) {
      return "";
    }
    return st.requestId;
  }

  private static @Nullable String cut(@Nullable String target) {
    if (target == null || target.length() <= MAX_TARGET_CHARS) {
      return target;
    }
    return target.substring(0, MAX_TARGET_CHARS) + "...(" + (target.length() - MAX_TARGET_CHARS)
        + " more chars)";
  }

  /** What a service reached by a fetcher is, in the words of the audit log. */
  static String kindOf(HttpService target) {
    return switch (target) {
      case NetworkService n -> "network";
      case ExternalService e -> "external";
      case DiskService d -> "disk";
      default -> "service";
    };
  }

  /** How a failed call ended: a network policy refusal is DENIED, the rest ERROR. */
  static Outcome failure(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof EgressRefusedException
        || e instanceof KvNamespace.KvException k && k.denied()) {
      return Outcome.DENIED;
    }
    return Outcome.ERROR;
  }

  /**
   * {@code url} without user info, query and fragment: {@code http://u:p@h/a?t=1#x} becomes
   * {@code http://h/a}. Text that is not an absolute URL loses only its query and fragment.
   */
  static String withoutSecrets(String url) {
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String head = url.substring(0, start);
    String authority = url.substring(start, end);
    if (scheme >= 0) {
      int at = authority.lastIndexOf('@');
      if (at >= 0) {
        authority = authority.substring(at + 1);
      }
    }
    String rest = url.substring(end);
    int cut = rest.length();
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c == '?' || c == '#') {
        cut = i;
        break;
      }
    }
    return head + authority + rest.substring(0, cut);
  }

  /** The path of {@code url} (without query and fragment); "/" when it has none. */
  static String path(String url) {
    String clean = withoutSecrets(url);
    int scheme = clean.indexOf("://");
    int slash = clean.indexOf('/', scheme < 0 ? 0 : scheme + 3);
    return slash < 0 ? "/" : clean.substring(slash);
  }

  /**
   * One fetch through a binding, reported once: when its response body ends (read to the end,
   * failed or cancelled), when the call fails, or when the request it belongs to ends with the
   * body never read, whichever comes first. Counts the bytes both ways.
   */
  final class FetchUse {
    private final @Nullable RequestState st;
    private final String binding;
    private final String kind;
    private final String operation;
    private final @Nullable String target;
    private final long start = System.nanoTime();
    private final AtomicLong in = new AtomicLong();
    private final AtomicLong out = new AtomicLong();
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile Outcome outcome = Outcome.OK;

    FetchUse(@Nullable RequestState st, String binding, String kind, String operation,
        @Nullable String target) {
      this.st = st;
      this.binding = binding;
      this.kind = kind;
      this.operation = operation;
      this.target = target;
      if (st != null) {
        st.openUse(this);
      }
    }

    /** The outcome the response's status means, before its body ends. */
    void status(Outcome o) {
      outcome = o;
    }

    /** Reports the use now (idempotent). */
    void end(Outcome o) {
      if (reported.compareAndSet(false, true)) {
        if (st != null) {
          st.closeUse(this);
        }
        record(st, binding, kind, operation, target, o, in.get(), out.get(), start);
      }
    }

    /** Reports the use with the outcome set so far (idempotent). */
    void end() {
      end(outcome);
    }

    /** {@code body} counting what the worker sends. */
    BodyStream countingSent(BodyStream body) {
      return counting(body, out, false);
    }

    /** {@code body} counting what the worker receives, ending the use when it ends. */
    BodyStream countingReceived(BodyStream body) {
      return counting(body, in, true);
    }

    private BodyStream counting(BodyStream inner, AtomicLong counter, boolean ends) {
      return new BodyStream() {
        @Override public CompletionStage<@Nullable ByteBuffer> read() {
          return inner.read().whenComplete((chunk, error) -> {
            if (chunk != null) {
              counter.addAndGet(chunk.remaining());
            }
            if (ends && error != null) {
              end(Outcome.ERROR);
            } else if (ends && chunk == null) {
              end();
            }
          });
        }

        @Override public void cancel() {
          inner.cancel();
          if (ends) {
            end();
          }
        }

        @Override public long knownLength() {
          return inner.knownLength();
        }
      };
    }
  }
}
