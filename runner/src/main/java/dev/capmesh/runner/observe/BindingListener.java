package dev.capmesh.runner.observe;

import java.util.List;

/**
 * Told of every {@link BindingUse} in a runner (the audit log, the metrics). Called on the
 * thread that made the use, often a worker's: an implementation returns at once and never
 * throws (hand the work to its own thread).
 */
@FunctionalInterface
public interface BindingListener {

  /** A listener that ignores every use. */
  BindingListener NONE = use -> {};

  void used(BindingUse use);

  /** One listener telling each of {@code listeners} in turn. */
  static BindingListener all(List<BindingListener> listeners) {
    List<BindingListener> copy = List.copyOf(listeners);
    if (copy.isEmpty()) {
      return NONE;
    }
    if (copy.size() == 1) {
      return copy.get(0);
    }
    return use -> {
      for (BindingListener l : copy) {
        l.used(use);
      }
    };
  }
}
