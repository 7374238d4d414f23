package dev.capmesh.runner;

import dev.capmesh.runner.js.JsWorker;
import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Everything one version of a config runs: its services by name and what each socket serves.
 * Requests are counted from their start until their response body has ended (read to the end,
 * failed or cancelled: a worker produces its body after its headers, in its own contexts), so
 * that a generation replaced by {@code --watch} is closed only once nothing runs in it any more.
 * Thread-safe.
 *
 * <p>The count and the retired and closed marks live in one atomic integer, so that "nothing in
 * flight, close now" and "one more request, count it" cannot interleave: a request that arrives
 * as the generation closes is refused ({@link #serve} returns null) and the caller retries on the
 * current generation; a request counted first keeps the generation open until it ends.
 */
final class Generation {
  /** Set in {@link #state} once the generation is replaced. */
  private static final int RETIRED = 1 << 30;
  /** {@link #state} once closed: no request is counted in again. */
  private static final int CLOSED = -1;

  final String version;
  final Map<String, HttpService> services;
  /** The content hash of each service of the plan, by name (empty for hand-built ones). */
  final Map<String, String> hashes;
  final Map<String, HttpService> socketTargets;
  private final Runnable closeAction;
  /** Requests in flight, plus {@link #RETIRED}; or {@link #CLOSED}. */
  private final AtomicInteger state = new AtomicInteger();
  private final AtomicBoolean closeRan = new AtomicBoolean();

  Generation(String version, Map<String, HttpService> services,
      Map<String, HttpService> socketTargets, List<JsWorker> workers) {
    this(version, services, socketTargets, closeAll(List.copyOf(workers)));
  }

  /**
   * A generation of a plan whose workers may also serve other generations: they are counted in
   * {@code refs} now and counted out when this generation closes.
   */
  Generation(String version, Map<String, HttpService> services,
      Map<String, HttpService> socketTargets, List<JsWorker> workers, Map<String, String> hashes,
      WorkerRefs refs) {
    this(version, services, socketTargets, hashes, release(refs, List.copyOf(workers)));
  }

  private static Runnable release(WorkerRefs refs, List<JsWorker> workers) {
    refs.acquire(workers);
    return () -> refs.release(workers);
  }

  /** @param closeAction stops what this generation runs; called once, when it closes */
  Generation(String version, Map<String, HttpService> services,
      Map<String, HttpService> socketTargets, Runnable closeAction) {
    this(version, services, socketTargets, Map.of(), closeAction);
  }

  private Generation(String version, Map<String, HttpService> services,
      Map<String, HttpService> socketTargets, Map<String, String> hashes, Runnable closeAction) {
    this.hashes = Map.copyOf(hashes);
    this.version = version;
    this.services = Map.copyOf(services);
    this.socketTargets = Map.copyOf(socketTargets);
    this.closeAction = closeAction;
  }

  private static Runnable closeAll(List<JsWorker> workers) {
    return () -> {
      for (JsWorker w : workers) {
        w.close();
      }
    };
  }

  /**
   * Serves one request on socket {@code socket}, counting it as in flight until its response
   * body has ended; returns null if this generation closed meanwhile (the caller retries with
   * the current one).
   */
  @Nullable CompletionStage<ServiceResponse> serve(String socket, ServiceRequest request) {
    if (!enter()) {
      return null;
    }
    HttpService target = socketTargets.get(socket);
    if (target == null) {
      exit();
      return CompletableFuture.completedFuture(ServiceResponse.text(503,
          "socket " + socket + " has no service in this version of the config\n"));
    }
    CompletionStage<ServiceResponse> result;
    try {
      result = target.fetch(request);
    } catch (RuntimeException e) {
      exit();
      throw e;
    }
    return result.handle((response, error) -> {
      if (error != null || response == null) {
        exit();
        if (error instanceof RuntimeException re) {
          throw re;
        }
        throw new CompletionException(error != null ? error
            : new IllegalStateException("service " + socket + " completed without a response"));
      }
      return new ServiceResponse(response.status(), response.statusText(), response.headers(),
          new CountedBody(response.body()));
    });
  }

  /** Counts a request in, unless the generation has closed. */
  private boolean enter() {
    while (true) {
      int s = state.get();
      if (s == CLOSED) {
        return false;
      }
      if (state.compareAndSet(s, s + 1)) {
        return true;
      }
    }
  }

  /** Counts a request out; the last one out of a retired generation closes it. */
  private void exit() {
    while (true) {
      int s = state.get();
      if (s == CLOSED) {
        return; // closed by force (the runner stopped): nothing left to count
      }
      int next = s - 1;
      if (next == RETIRED) {
        if (state.compareAndSet(s, CLOSED)) {
          runClose();
          return;
        }
      } else if (state.compareAndSet(s, next)) {
        return;
      }
    }
  }

  /** Marks this generation replaced; it closes as soon as nothing is in flight. */
  void retire() {
    while (true) {
      int s = state.get();
      if (s == CLOSED || (s & RETIRED) != 0) {
        return;
      }
      if (s == 0) {
        if (state.compareAndSet(0, CLOSED)) {
          runClose();
          return;
        }
      } else if (state.compareAndSet(s, s | RETIRED)) {
        return;
      }
    }
  }

  /** Requests in flight (0 once closed). */
  int inFlight() {
    int s = state.get();
    return s == CLOSED ? 0 : s & ~RETIRED;
  }

  /** Closes now, whatever is in flight (the runner is stopping). */
  void close() {
    state.set(CLOSED);
    runClose();
  }

  private void runClose() {
    if (closeRan.compareAndSet(false, true)) {
      closeAction.run();
    }
  }

  /** A response body that counts its request out once, when it ends, fails or is cancelled. */
  private final class CountedBody implements BodyStream {
    private final BodyStream body;
    private final AtomicBoolean ended = new AtomicBoolean();

    CountedBody(BodyStream body) {
      this.body = body;
    }

    @Override public CompletionStage<@Nullable ByteBuffer> read() {
      CompletionStage<@Nullable ByteBuffer> chunk;
      try {
        chunk = body.read();
      } catch (RuntimeException e) {
        end();
        throw e;
      }
      return chunk.whenComplete((c, error) -> {
        if (error != null || c == null) {
          end();
        }
      });
    }

    @Override public void cancel() {
      try {
        body.cancel();
      } finally {
        end();
      }
    }

    @Override public long knownLength() {
      return body.knownLength();
    }

    private void end() {
      if (ended.compareAndSet(false, true)) {
        exit();
      }
    }
  }
}
