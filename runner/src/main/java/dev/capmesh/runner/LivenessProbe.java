package dev.capmesh.runner;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Asks threads to run a no-op task and reports the ones that did not within a timeout: what
 * {@code /healthz} asks of a runner. Blocks no thread.
 */
final class LivenessProbe {
  private LivenessProbe() {}

  /**
   * Pings every event loop of {@code loops} (named "I/O event loop N") and awaits
   * {@code watchdog}; completes with null when all answered within {@code timeout}, else with
   * "X, Y did not respond within N ms". Never fails.
   */
  static CompletionStage<@Nullable String> check(EventExecutorGroup loops,
      CompletableFuture<Void> watchdog, Duration timeout) {
    List<String> names = new ArrayList<>();
    List<CompletableFuture<Void>> pings = new ArrayList<>();
    int n = 0;
    for (EventExecutor loop : loops) {
      n++;
      var ping = new CompletableFuture<Void>();
      try {
        loop.execute(() -> ping.complete(null));
      } catch (RejectedExecutionException e) {
        ping.completeExceptionally(e);
      }
      pings.add(ping);
      names.add("I/O event loop " + n);
    }
    pings.add(watchdog);
    names.add("the JavaScript watchdog");
    long millis = timeout.toMillis();
    var result = new CompletableFuture<@Nullable String>();
    CompletableFuture.allOf(pings.stream()
            .map(p -> p.orTimeout(millis, TimeUnit.MILLISECONDS).exceptionally(e -> null))
            .toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> {
          var stuck = new ArrayList<String>();
          for (int i = 0; i < pings.size(); i++) {
            if (pings.get(i).isCompletedExceptionally() || !pings.get(i).isDone()) {
              stuck.add(names.get(i));
            }
          }
          result.complete(stuck.isEmpty() ? null
              : String.join(", ", stuck) + " did not respond within " + millis + " ms");
        });
    return result;
  }
}
