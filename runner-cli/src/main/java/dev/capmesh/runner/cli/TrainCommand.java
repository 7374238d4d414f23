package dev.capmesh.runner.cli;

import dev.capmesh.compiler.support.CompileReport;
import dev.capmesh.runner.Runner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code runner train-startup-cache}: the workload the launcher runs once per build, under the
 * JDK's {@code -XX:AOTCacheOutput}, so that later starts load the classes it touched from the
 * JDK's ahead-of-time cache instead of loading and linking them again (docs/RUNNER.md, "Startup
 * cache"). It serves a built-in config on a loopback port the system picks and sends it a mix
 * of requests: a plain answer, a request body read as text and as JSON, headers, and a service
 * binding to a second worker. Nothing it does depends on the user's config. Hidden: users do not
 * call it; the launcher does.
 */
final class TrainCommand implements CommandSpec.Action {
  private static final String SECONDS = "8";

  static final CommandSpec SPEC = CommandSpec.of("train-startup-cache",
      List.of("Serve a built-in config and send it requests (the launcher's startup-cache workload)."),
      List.of(), () -> new Options().addOption(CommandSpec.option("seconds", "N",
          "How long to send requests (default " + SECONDS + ").")), TrainCommand::new).hide();

  /** The built-in config; {@code $PORT} is left to the system. */
  static final String CONFIG = """
      using Workerd = import "/workerd/workerd.capnp";
      const config :Workerd.Config = (
        services = [
          (name = "front", worker = (
            modules = [ (name = "front.js", esModule = embed "front.js") ],
            compatibilityDate = "2024-09-01",
            bindings = [ (name = "BACK", service = "back"), (name = "GREETING", text = "hello") ],
          )),
          (name = "back", worker = (
            modules = [ (name = "back.js", esModule = embed "back.js") ],
            compatibilityDate = "2024-09-01",
          )),
        ],
        sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "front") ],
      );
      """;

  static final String FRONT = """
      export default {
        async fetch(request, env) {
          const url = new URL(request.url);
          if (url.pathname === '/chain') {
            const answer = await env.BACK.fetch('http://back/echo', { method: 'POST', body: 'ping' });
            return new Response(await answer.text(), { headers: { 'content-type': 'text/plain' } });
          }
          if (request.method === 'POST') {
            const body = url.pathname === '/json' ? await request.json() : await request.text();
            return Response.json({ got: body, agent: request.headers.get('user-agent') });
          }
          return new Response(env.GREETING + ' world\\n');
        },
      };
      """;

  static final String BACK = """
      export default {
        async fetch(request) {
          const text = await request.text();
          return new Response(text.toUpperCase(), { status: 200, headers: { 'x-back': '1' } });
        },
      };
      """;

  final RunnerMain main;
  int seconds;

  TrainCommand(RunnerMain main) {
    this.main = main;
  }

  @Override
  public void read(CommandLine line) throws ParseException {
    seconds = CommandSpec.value(line, "seconds", SECONDS, CommandSpec::integer);
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("capmesh-train-");
    try {
      Files.writeString(dir.resolve("config.capnp"), CONFIG);
      Files.writeString(dir.resolve("front.js"), FRONT);
      Files.writeString(dir.resolve("back.js"), BACK);
      var source = new ConfigFileSource(
          () -> CompileReport.compile(dir.resolve("config.capnp"), null, main.err, "runner"), null, main.out, main.err);
      // The runner's options come the way serve reads them from its command line, so that the
      // cache holds that path too (its lambdas were otherwise made at every start).
      var flags = new RunnerFlags();
      flags.read(DefaultParser.builder().get().parse(RunnerFlags.options(), new String[0]));
      try (Runner runner = Runner.create(flags.options(dir))) {
        source.start(runner);
        InetSocketAddress address = runner.listening().get("http");
        long sent = drive("http://127.0.0.1:" + address.getPort(), Duration.ofSeconds(seconds));
        main.out.println("capmesh: startup-cache workload sent " + sent + " requests");
        main.out.flush();
      }
      return 0;
    } finally {
      deleteTree(dir);
    }
  }

  /** Sends the mix from 8 connections until {@code length} has passed; the number of answers. */
  static long drive(String base, Duration length) throws Exception {
    var answered = new AtomicLong();
    long end = System.nanoTime() + length.toNanos();
    List<HttpRequest> mix = List.of(
        HttpRequest.newBuilder(URI.create(base + "/")).build(),
        HttpRequest.newBuilder(URI.create(base + "/text")).POST(HttpRequest.BodyPublishers.ofString("some text")).build(),
        HttpRequest.newBuilder(URI.create(base + "/json")).header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"a\":[1,2,3]}")).build(),
        HttpRequest.newBuilder(URI.create(base + "/chain")).build());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      var sent = new ArrayList<Future<?>>();
      for (int i = 0; i < 8; i++) {
        int offset = i;
        sent.add(pool.submit(() -> {
          for (int n = offset; System.nanoTime() < end; n++) {
            HttpResponse<byte[]> answer = client.send(mix.get(n % mix.size()), HttpResponse.BodyHandlers.ofByteArray());
            if (answer.statusCode() != 200) {
              throw new IllegalStateException("the workload got " + answer.statusCode() + ": "
                  + new String(answer.body(), StandardCharsets.UTF_8));
            }
            answered.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : sent) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return answered.get();
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory left behind is not worth failing the workload for.
    }
  }
}
