package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.js.JsRuntime;
import dev.capmesh.runner.js.JsWorker;
import dev.capmesh.runner.js.WorkerCode;
import dev.capmesh.runner.js.WorkerModule;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** When a replaced generation closes: never under a request or a response body still running. */
class GenerationTest {
  private static JsRuntime runtime;

  @BeforeAll static void startRuntime() {
    runtime = JsRuntime.create();
  }

  @AfterAll static void stopRuntime() {
    runtime.close();
  }

  private static ServiceRequest get(String path) {
    return new ServiceRequest("GET", "http://h" + path, List.of(), BodyStreams.empty(), "req-" + path);
  }

  /** Live threads of the contexts of worker {@code name}. */
  static long contextThreads(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("capmesh-js-" + name)).count();
  }

  static void awaitNoContextThreads(String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (contextThreads(name) > 0) {
      assertThat(System.nanoTime()).as("threads of worker " + name + " still alive")
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test void retiredGenerationStaysOpenUntilTheResponseBodyHasBeenRead() throws Exception {
    // The body is produced by the worker after its response headers: five chunks, 20 ms apart.
    JsWorker worker = JsWorker.builder(runtime, "gen-streaming", WorkerCode.modules(
        WorkerModule.esModule("main.js", """
            export default {
              async fetch(request) {
                let i = 0;
                const enc = new TextEncoder();
                return new Response(new ReadableStream({
                  async pull(controller) {
                    await new Promise(r => setTimeout(r, 20));
                    if (i < 5) controller.enqueue(enc.encode("chunk" + i++ + ";"));
                    else controller.close();
                  },
                }));
              },
            };
            """))).build();
    var generation = new Generation("v1", Map.of("main", worker), Map.of("http", worker),
        List.of(worker));
    ServiceResponse response = generation.serve("http", get("/"))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    generation.retire();
    byte[] body = BodyStreams.readAll(response.body(), 1 << 20).get(30, TimeUnit.SECONDS);
    assertThat(new String(body, StandardCharsets.UTF_8))
        .isEqualTo("chunk0;chunk1;chunk2;chunk3;chunk4;");
    awaitNoContextThreads("gen-streaming");
  }

  @Test void retiredGenerationClosesOnceACancelledBodyIsReleased() throws Exception {
    var closed = new AtomicBoolean();
    var cancelled = new AtomicBoolean();
    HttpService endless = request -> CompletableFuture.completedFuture(new ServiceResponse(200, "",
        List.of(), new dev.capmesh.runner.service.BodyStream() {
          @Override public CompletionStage<java.nio.ByteBuffer> read() {
            return CompletableFuture.completedFuture(java.nio.ByteBuffer.wrap(new byte[] {1}));
          }

          @Override public void cancel() {
            cancelled.set(true);
          }
        }));
    var generation = new Generation("v1", Map.of(), Map.of("http", endless), () -> closed.set(true));
    ServiceResponse response = generation.serve("http", get("/")).toCompletableFuture().get();
    generation.retire();
    response.body().read().toCompletableFuture().get();
    assertThat(closed).as("closed while the body is still being read").isFalse();
    response.body().cancel();
    assertThat(cancelled).isTrue();
    assertThat(closed).isTrue();
    // A second cancel or a late read must not count the request out twice.
    response.body().cancel();
    assertThat(generation.serve("http", get("/late"))).as("a closed generation refuses").isNull();
  }

  @Test void aRequestRacingRetireNeverRunsOnAClosedGeneration() throws Exception {
    // Two threads keep starting requests while the main thread retires the generation. Whatever
    // the interleaving, a request either runs before the generation closes (and the generation
    // closes after it), or is refused (null: the caller retries on the new generation).
    var violations = new AtomicInteger();
    var leaks = new AtomicInteger();
    var current = new AtomicReference<Generation>();
    var stop = new AtomicBoolean();
    var served = new AtomicLong();
    Runnable client = () -> {
      while (!stop.get()) {
        Generation g = current.get();
        if (g == null) {
          continue;
        }
        CompletionStage<ServiceResponse> r = g.serve("http", get("/"));
        if (r != null) {
          ServiceResponse response = r.toCompletableFuture().join();
          // Half the bodies are read to the end, half cancelled: both end the request.
          if (served.incrementAndGet() % 2 == 0) {
            BodyStreams.readAll(response.body(), 16).join();
          } else {
            response.body().cancel();
          }
        }
      }
    };
    Thread a = new Thread(client);
    Thread b = new Thread(client);
    a.start();
    b.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
    int generations = 0;
    try {
      while (System.nanoTime() < deadline) {
        var closing = new AtomicBoolean();
        // Requests whose fetch started and whose body has not ended yet.
        var inside = new AtomicInteger();
        HttpService target = request -> {
          inside.incrementAndGet();
          if (closing.get()) {
            violations.incrementAndGet();
          }
          var body = BodyStreams.of(new byte[] {'o', 'k'});
          var ended = new AtomicBoolean();
          Runnable end = () -> {
            if (closing.get()) {
              violations.incrementAndGet();
            }
            if (ended.compareAndSet(false, true)) {
              inside.decrementAndGet();
            }
          };
          return CompletableFuture.completedFuture(new ServiceResponse(200, "", List.of(),
              new dev.capmesh.runner.service.BodyStream() {
                @Override public CompletionStage<java.nio.ByteBuffer> read() {
                  return body.read().whenComplete((c, e) -> {
                    if (c == null) {
                      end.run();
                    }
                  });
                }

                @Override public void cancel() {
                  end.run();
                  body.cancel();
                }
              }));
        };
        var g = new Generation("g" + generations, Map.of(), Map.of("http", target), () -> {
          if (inside.get() != 0) {
            violations.incrementAndGet();
          }
          closing.set(true);
        });
        current.set(g);
        for (int spin = 0; spin < 200; spin++) {
          Thread.onSpinWait();
        }
        current.set(null);
        g.retire();
        generations++;
        final Generation retired = g;
        // With nothing in flight any more, a retired generation must have closed.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (retired.inFlight() > 0 && System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        if (!closing.get() && retired.inFlight() == 0) {
          // The last request may still be between its count and its close (on a busy machine
          // its thread can be descheduled there): wait for the close, up to a generous deadline.
          long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          while (!closing.get() && System.nanoTime() < grace) {
            Thread.yield();
          }
          if (!closing.get()) {
            leaks.incrementAndGet();
          }
        }
      }
    } finally {
      stop.set(true);
      a.join();
      b.join();
    }
    assertThat(generations).isGreaterThan(100);
    assertThat(served.get()).isGreaterThan(0);
    assertThat(violations.get()).as("requests that ran while their generation closed").isZero();
    assertThat(leaks.get()).as("retired generations never closed").isZero();
  }
}
