package dev.capmesh.runner.js;

import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers for driving a {@link JsWorker} as an {@link HttpService} in tests. */
final class JsTesting {
  private static final AtomicInteger ids = new AtomicInteger();

  private JsTesting() {}

  /** A response read completely. */
  record Result(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
          .findFirst().orElse(null);
    }
  }

  /**
   * A runtime whose background warm-up has finished: tests that count CPU time or loads then do
   * not share the machine with it.
   */
  static JsRuntime warmRuntime() {
    JsRuntime runtime = JsRuntime.create();
    runtime.startWarmUp();
    runtime.warmedUp.join();
    return runtime;
  }

  /** CPU time used so far by the live event-loop thread of the worker named {@code worker}. */
  static long loopCpuNanos(String worker) {
    var threads = ManagementFactory.getThreadMXBean();
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("capmesh-js-" + worker))
        .mapToLong(t -> threads.getThreadCpuTime(t.threadId()))
        .sum();
  }

  static String nextId() {
    return "req-" + ids.incrementAndGet();
  }

  static Result call(HttpService service, String method, String url, List<Map.Entry<String, String>> headers,
      BodyStream body, String requestId) throws Exception {
    ServiceResponse r = service.fetch(new ServiceRequest(method, url, headers, body, requestId))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    byte[] bytes = BodyStreams.readAll(r.body(), 256L << 20).get(30, TimeUnit.SECONDS);
    return new Result(r.status(), r.headers(), bytes);
  }

  static Result get(HttpService service, String url) throws Exception {
    return call(service, "GET", url, List.of(), BodyStreams.empty(), nextId());
  }

  static Result post(HttpService service, String url, String body) throws Exception {
    return call(service, "POST", url, List.of(Map.entry("content-type", "text/plain")),
        BodyStreams.of(body.getBytes(StandardCharsets.UTF_8)), nextId());
  }

  static JsWorker module(JsRuntime runtime, String source) {
    return JsWorker.builder(runtime, "test", WorkerCode.modules(WorkerModule.esModule("main.js", source))).build();
  }

  /** Runs {@code body} (the inside of an async function) in a worker; the response is its JSON result. */
  static Result eval(JsRuntime runtime, String asyncBody) throws Exception {
    JsWorker w = module(runtime, "export default { async fetch(request, env, ctx) {\n"
        + asyncBody + "\n} };\n");
    try {
      return get(w, "http://test.local/");
    } finally {
      w.close();
    }
  }

  /** A plain HTTP service recording the requests it received. */
  static final class Recorder implements HttpService {
    final List<ServiceRequest> requests = new ArrayList<>();
    private final java.util.function.Function<ServiceRequest, ServiceResponse> handler;

    Recorder(java.util.function.Function<ServiceRequest, ServiceResponse> handler) {
      this.handler = handler;
    }

    @Override public synchronized java.util.concurrent.CompletionStage<ServiceResponse> fetch(ServiceRequest r) {
      requests.add(r);
      return java.util.concurrent.CompletableFuture.completedFuture(handler.apply(r));
    }
  }
}
