package dev.capmesh.runner.js;

import com.oracle.truffle.api.TruffleContext;
import com.oracle.truffle.api.instrumentation.TruffleInstrument;
import java.util.concurrent.atomic.AtomicBoolean;
import org.graalvm.polyglot.Context;
import org.jspecify.annotations.Nullable;

/**
 * A Truffle instrument with one job: measuring the heap a context retains. GraalJS Community has
 * no per-context heap limit, but Truffle's open-source core can walk the objects reachable from
 * one context's roots (its globals, module namespaces and the stack frames of its threads) and
 * add up their sizes; the instrument API ({@link TruffleInstrument.Env#calculateContextHeapSize})
 * is the public door to it. Worker code cannot reach it: contexts have no polyglot access.
 *
 * <p>Registered through {@link HeapMeterProvider} (a {@code META-INF/services} entry); the
 * runtime finds it with {@code engine.getInstruments().get(HeapMeter.ID).lookup(Meter.class)}.
 */
final class HeapMeter extends TruffleInstrument {
  static final String ID = "capmesh-heap-meter";

  @Override protected void onCreate(Env env) {
    env.registerService(new Meter(env));
  }

  /** The service the runtime looks up. Thread-safe. */
  static final class Meter {
    private final Env env;

    private Meter(Env env) {
      this.env = env;
    }

    /** The Truffle view of {@code context}; call it on the thread that may enter the context. */
    @Nullable TruffleContext truffleView(Context context) {
      context.enter();
      try {
        return env.getEnteredContext();
      } finally {
        context.leave();
      }
    }

    /**
     * The bytes {@code context} retains, counting stops a little past {@code stopAtBytes};
     * {@code cancelled} set to true stops the walk early (the result is then meaningless).
     */
    long retainedBytes(TruffleContext context, long stopAtBytes, AtomicBoolean cancelled) {
      return env.calculateContextHeapSize(context, stopAtBytes, cancelled);
    }
  }
}
