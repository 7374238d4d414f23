package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.runner.http.RawHttp;
import dev.capmesh.runner.js.JsLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@link Runner#reload} under load: keep-alive and pipelining clients keep requesting while the
 * config is swapped; not one response may be lost or cut short, and each replaced version's
 * JavaScript contexts must all be closed afterwards.
 */
class ReloadTest {
  private static final Pattern EXPECTED = Pattern.compile("(v[0-9]) (/[a-z0-9/-]+);a;b;");

  @TempDir Path dir;

  /** A worker whose body streams after its headers: three chunks, a few ms apart. */
  private static String worker(String version) {
    return """
        export default {
          async fetch(request) {
            const path = new URL(request.url).pathname;
            const parts = ["VERSION " + path + ";", "a;", "b;"];
            const enc = new TextEncoder();
            return new Response(new ReadableStream({
              async pull(controller) {
                await new Promise(r => setTimeout(r, 3));
                if (parts.length > 0) controller.enqueue(enc.encode(parts.shift()));
                else controller.close();
              },
            }));
          },
        };
        """.replace("VERSION", version);
  }

  /** Version {@code version}: a service of that name (so its threads can be told apart). */
  private CompiledConfig config(String version) throws Exception {
    Files.writeString(dir.resolve(version + ".js"), worker(version));
    Path file = dir.resolve("config.capnp");
    Files.writeString(file, """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [(name = "VERSION", worker = (
              modules = [(name = "w.js", esModule = embed "VERSION.js")],
              compatibilityDate = "2024-09-01"))],
          sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "VERSION")],
        );
        """.replace("VERSION", version));
    return ConfigCompiler.create().compile(file, null);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test void swapsUnderKeepAliveAndPipelinedLoadLoseNoResponseAndCloseTheOldContexts()
      throws Exception {
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    var runnerLog = (Logger) LoggerFactory.getLogger(Runner.class);
    Level level = runnerLog.getLevel();
    runnerLog.setLevel(Level.INFO);
    runnerLog.addAppender(appender);
    // Generous CPU limits: this test is about swaps, not about a busy machine's cold JIT.
    RunnerOptions defaults = RunnerOptions.defaults(dir);
    RunnerOptions options = defaults.withLimits(defaults.limits()
        .withCpuPerRequest(Duration.ofSeconds(10)).withColdStart(Duration.ofSeconds(10), 8));
    Runner runner = Runner.start(TestRunners.plan(config("v1").config()), options);
    var stop = new AtomicBoolean();
    var completed = new AtomicInteger();
    var byVersion = new java.util.concurrent.ConcurrentHashMap<String, AtomicInteger>();
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> clients = new ArrayList<>();
    try {
      InetSocketAddress address = runner.listening().get("http");
      for (int c = 0; c < 10; c++) {
        int client = c;
        int depth = c < 6 ? 1 : 4; // six keep-alive clients, four pipelining four at a time
        Thread t = new Thread(() -> {
          try (var http = new RawHttp(address)) {
            for (int n = 0; !stop.get(); n++) {
              var batch = new StringBuilder();
              for (int d = 0; d < depth; d++) {
                batch.append("GET /c").append(client).append("/").append(n).append("-").append(d)
                    .append(" HTTP/1.1\r\nHost: h\r\n\r\n");
              }
              http.send(batch.toString());
              for (int d = 0; d < depth; d++) {
                RawHttp.Response r = http.read();
                String path = "/c" + client + "/" + n + "-" + d;
                var m = EXPECTED.matcher(r.text());
                if (r.status() != 200 || !m.matches() || !m.group(2).equals(path)) {
                  failures.add(path + ": status " + r.status() + " body " + r.text());
                  return;
                }
                byVersion.computeIfAbsent(m.group(1), k -> new AtomicInteger()).incrementAndGet();
                completed.incrementAndGet();
              }
            }
          } catch (IOException | RuntimeException e) {
            failures.add("client " + client + ": " + e);
          }
        }, "reload-client-" + c);
        t.start();
        clients.add(t);
      }
      await("traffic on v1", () -> completed.get() > 100 || !failures.isEmpty());
      runner.apply(TestRunners.plan(config("v2").config()));
      int afterFirst = completed.get();
      await("traffic after the first swap", () -> completed.get() > afterFirst + 100 || !failures.isEmpty());
      runner.apply(TestRunners.plan(config("v3").config()));
      int afterSecond = completed.get();
      await("traffic after the second swap", () -> completed.get() > afterSecond + 100 || !failures.isEmpty());
    } finally {
      stop.set(true);
      for (Thread t : clients) {
        t.join(30_000);
      }
      runnerLog.detachAppender(appender);
      runnerLog.setLevel(level);
    }
    try {
      assertThat(failures).isEmpty();
      assertThat(byVersion.keySet()).contains("v1", "v3");
      List<String> swaps;
      synchronized (appender) {
        swaps = appender.list.stream().map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains("replaces")).toList();
      }
      assertThat(swaps).hasSize(2);
      assertThat(swaps).as("a swap happened with requests in flight")
          .anyMatch(m -> !m.endsWith("in_flight=0"));
      GenerationTest.awaitNoContextThreads("v1");
      GenerationTest.awaitNoContextThreads("v2");
      assertThat(GenerationTest.contextThreads("v3")).isPositive();
    } finally {
      runner.close();
    }
  }
}
