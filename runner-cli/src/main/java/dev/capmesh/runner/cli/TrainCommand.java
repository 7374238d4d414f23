package dev.capmesh.runner.cli;

import dev.capmesh.compiler.support.CompileReport;
import dev.capmesh.runner.Runner;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
        long sent = drive(address, Duration.ofSeconds(seconds));
        main.out.println("capmesh: startup-cache workload sent " + sent + " requests");
        main.out.flush();
      }
      return 0;
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Sends the mix from 8 connections until {@code length} has passed; the number of answers.
   * Plain sockets rather than {@code java.net.http.HttpClient}: the cache keeps every class the
   * workload loads, and every start loads them all; the client's own classes (and the TLS
   * classes it sets up) were 973 of them, none of which serving needs.
   */
  static long drive(InetSocketAddress address, Duration length) throws Exception {
    var answered = new AtomicLong();
    long end = System.nanoTime() + length.toNanos();
    List<byte[]> mix = List.of(
        request("GET", "/", null, null),
        request("POST", "/text", null, "some text"),
        request("POST", "/json", "application/json", "{\"a\":[1,2,3]}"),
        request("GET", "/chain", null, null));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      var sent = new ArrayList<Future<?>>();
      for (int i = 0; i < 8; i++) {
        int offset = i;
        sent.add(pool.submit(() -> {
          try (var socket = new Socket()) {
            socket.connect(address, 10_000);
            socket.setSoTimeout(30_000);
            var in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (int n = offset; System.nanoTime() < end; n++) {
              out.write(mix.get(n % mix.size()));
              out.flush();
              readAnswer(in);
              answered.incrementAndGet();
            }
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

  private static byte[] request(String method, String path, @org.jspecify.annotations.Nullable String contentType,
      @org.jspecify.annotations.Nullable String body) {
    var head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("host: 127.0.0.1\r\nuser-agent: capmesh-train\r\n");
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (contentType != null) {
      head.append("content-type: ").append(contentType).append("\r\n");
    }
    if (body != null) {
      head.append("content-length: ").append(bytes.length).append("\r\n");
    }
    byte[] start = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = java.util.Arrays.copyOf(start, start.length + bytes.length);
    System.arraycopy(bytes, 0, all, start.length, bytes.length);
    return all;
  }

  /** Reads one answer (a fixed-length or chunked body); fails unless its status is 200. */
  static void readAnswer(InputStream in) throws IOException {
    String status = line(in);
    long length = -1;
    boolean chunked = false;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      String name = colon < 0 ? header : header.substring(0, colon).trim();
      String value = colon < 0 ? "" : header.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("transfer-encoding")) {
        chunked = value.equalsIgnoreCase("chunked");
      }
    }
    var body = new java.io.ByteArrayOutputStream();
    if (chunked) {
      for (long size = chunkSize(in); size > 0; size = chunkSize(in)) {
        body.write(in.readNBytes((int) size));
        line(in);
      }
      while (!line(in).isEmpty()) {
        // trailers
      }
    } else if (length >= 0) {
      body.write(in.readNBytes((int) length));
    }
    if (!status.startsWith("HTTP/1.1 200")) {
      throw new IllegalStateException("the workload got " + status + ": " + body.toString(StandardCharsets.UTF_8));
    }
  }

  /** The size on a chunk's first line, its extensions left out. */
  private static long chunkSize(InputStream in) throws IOException {
    String sizeLine = line(in);
    int semicolon = sizeLine.indexOf(';');
    return Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
  }

  private static String line(InputStream in) throws IOException {
    var text = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the runner closed the connection mid-answer");
      }
      if (c != '\r') {
        text.append((char) c);
      }
    }
    return text.toString();
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
