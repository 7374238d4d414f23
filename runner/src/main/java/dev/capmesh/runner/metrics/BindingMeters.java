package dev.capmesh.runner.metrics;

import dev.capmesh.runner.observe.BindingUse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Binding uses counted by worker, binding, kind, operation and outcome, with their time. Label
 * values come from the served plan or from a small fixed vocabulary, never from what a worker
 * chose at run time: a worker or binding the plan does not name, an operation or kind that is not
 * a plain word, and any value past the caps become {@value #OTHER}. The target of a use (a key, a
 * path, a URL) is never a label. Thread-safe.
 */
final class BindingMeters {
  /** The label value standing for anything not in the plan or past a cap. */
  static final String OTHER = "other";
  /** The binding name the runtime gives a global fetch() through a worker's globalOutbound. */
  static final String GLOBAL_OUTBOUND = "globalOutbound";
  /** Distinct operations and kinds counted before the rest become {@value #OTHER}. */
  static final int MAX_WORDS = 64;
  /** Series of {@code capmesh_binding_calls_total} before new ones are folded into one. */
  static final int MAX_SERIES = 10_000;
  private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");

  private record Key(String worker, String binding, String kind, String operation, String outcome) {}

  private record Op(String worker, String binding, String kind, String operation) {}

  private final MeterRegistry registry;
  private final Counter unattributed;
  private final Map<Key, Counter> calls = new ConcurrentHashMap<>();
  private final Map<Op, Timer> durations = new ConcurrentHashMap<>();
  private final Set<String> words = ConcurrentHashMap.newKeySet();
  /** The served plan's workers and their binding names. */
  private volatile Map<String, Set<String>> workers = Map.of();

  BindingMeters(MeterRegistry registry) {
    this.registry = registry;
    this.unattributed = Counter.builder("capmesh.binding.uses.unattributed")
        .description("Binding uses by a worker the served plan does not have (one of a plan "
            + "just replaced), not counted in capmesh_binding_calls_total")
        .register(registry);
  }

  void used(BindingUse use) {
    Set<String> bindings = workers.get(use.worker());
    if (bindings == null) {
      unattributed.increment();
      return;
    }
    String binding = use.binding().isEmpty() || use.binding().equals(GLOBAL_OUTBOUND)
        || bindings.contains(use.binding()) ? use.binding() : OTHER;
    String kind = word(use.kind());
    String operation = word(use.operation());
    String outcome = use.outcome().name().toLowerCase(Locale.ROOT);
    var key = new Key(use.worker(), binding, kind, operation, outcome);
    Counter counter = calls.get(key);
    if (counter == null) {
      if (calls.size() >= MAX_SERIES) {
        key = new Key(OTHER, OTHER, OTHER, OTHER, outcome);
      }
      counter = calls.computeIfAbsent(key, this::register);
    }
    counter.increment();
    var op = new Op(key.worker(), key.binding(), key.kind(), key.operation());
    durations.computeIfAbsent(op, this::register)
        .record(Math.max(0, use.durationNanos()), TimeUnit.NANOSECONDS);
  }

  /** {@code text} if it is a plain word and one of the first {@value #MAX_WORDS}; else other. */
  private String word(String text) {
    if (words.contains(text)) {
      return text;
    }
    if (!WORD.matcher(text).matches() || words.size() >= MAX_WORDS) {
      return OTHER;
    }
    words.add(text);
    return text;
  }

  private Counter register(Key k) {
    return Counter.builder("capmesh.binding.calls")
        .description("Uses of a worker's bindings, by binding, kind, operation and outcome "
            + "(ok, error, refused, denied)")
        .tag("worker", k.worker()).tag("binding", k.binding()).tag("kind", k.kind())
        .tag("operation", k.operation()).tag("outcome", k.outcome()).register(registry);
  }

  private Timer register(Op o) {
    return Timer.builder("capmesh.binding.duration")
        .description("Time the uses of a worker's bindings took")
        .tag("worker", o.worker()).tag("binding", o.binding()).tag("kind", o.kind())
        .tag("operation", o.operation()).register(registry);
  }

  /**
   * The plan now served has these workers and bindings: later uses are counted against them,
   * and the series of workers and bindings it no longer has are dropped.
   */
  synchronized void plan(Map<String, Set<String>> served) {
    workers = served;
    calls.entrySet().removeIf(e -> {
      boolean gone = gone(e.getKey().worker(), e.getKey().binding());
      if (gone) {
        registry.remove(e.getValue());
      }
      return gone;
    });
    durations.entrySet().removeIf(e -> {
      boolean gone = gone(e.getKey().worker(), e.getKey().binding());
      if (gone) {
        registry.remove(e.getValue());
      }
      return gone;
    });
  }

  private boolean gone(String worker, String binding) {
    if (worker.equals(OTHER)) {
      return false; // the overflow series
    }
    Set<String> bindings = workers.get(worker);
    return bindings == null || !(binding.isEmpty() || binding.equals(GLOBAL_OUTBOUND)
        || binding.equals(OTHER) || bindings.contains(binding));
  }
}
