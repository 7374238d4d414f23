package dev.capmesh.runner;

import dev.capmesh.runner.js.JsWorker;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the generations each worker serves in. A worker kept across a plan change belongs to
 * the old and the new generation at once; it closes when the last of them closes. Thread-safe.
 */
final class WorkerRefs {
  private final Map<JsWorker, Integer> counts = new IdentityHashMap<>();

  /** One more generation serves with each of {@code workers}. */
  synchronized void acquire(List<JsWorker> workers) {
    for (JsWorker w : workers) {
      counts.merge(w, 1, Integer::sum);
    }
  }

  /** One generation fewer; closes the workers no generation serves with any more. */
  void release(List<JsWorker> workers) {
    List<JsWorker> closing = new java.util.ArrayList<>();
    synchronized (this) {
      for (JsWorker w : workers) {
        Integer n = counts.get(w);
        if (n == null || n <= 1) {
          counts.remove(w);
          closing.add(w);
        } else {
          counts.put(w, n - 1);
        }
      }
    }
    closing.forEach(JsWorker::close);
  }

  /** How many workers are alive (for tests and logs). */
  synchronized int live() {
    return counts.size();
  }
}
