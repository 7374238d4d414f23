package dev.capmesh.runner.observe;

import java.util.List;
import org.jspecify.annotations.Nullable;

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

  /**
   * Why binding uses must be refused right now, or null (the default) when they may go ahead.
   * Asked before each use starts, on the worker's thread, so it must be cheap: an audit log
   * that fails closed answers non-null while it cannot record what a use would do. The worker
   * sees the answer as the error of the refused call; it names no secret.
   */
  default @Nullable String refusal() {
    return null;
  }

  /** One listener telling each of {@code listeners} in turn; it refuses when any of them does. */
  static BindingListener all(List<BindingListener> listeners) {
    List<BindingListener> copy = List.copyOf(listeners);
    if (copy.isEmpty()) {
      return NONE;
    }
    if (copy.size() == 1) {
      return copy.get(0);
    }
    return new BindingListener() {
      @Override public void used(BindingUse use) {
        for (BindingListener l : copy) {
          l.used(use);
        }
      }

      @Override public @Nullable String refusal() {
        for (BindingListener l : copy) {
          String no = l.refusal();
          if (no != null) {
            return no;
          }
        }
        return null;
      }
    };
  }
}
