package dev.capmesh.compiler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code capnp} tool, the reference decoder the conformance tests compare against.
 * A missing tool fails the test with an install hint rather than skipping it.
 */
final class CapnpTool {
  private static Path schemaFile;

  private CapnpTool() {}

  /** capmesh.capnp written to a temporary file (capnp needs a path). */
  static synchronized Path schema() throws IOException {
    if (schemaFile == null) {
      Path dir = Files.createTempDirectory("capmesh-schema");
      schemaFile = dir.resolve("capmesh.capnp");
      try (InputStream in = CapnpTool.class.getResourceAsStream("/capmesh/capmesh.capnp")) {
        Files.write(schemaFile, in.readAllBytes());
      }
      dir.toFile().deleteOnExit();
      schemaFile.toFile().deleteOnExit();
    }
    return schemaFile;
  }

  /** {@code capnp decode capmesh.capnp Config < message}: the message as text. */
  static String decode(byte[] message) throws IOException, InterruptedException {
    return run(List.of("capnp", "decode", schema().toString(), "Config"), message);
  }

  static String run(List<String> command, byte[] stdin) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(false).start();
    } catch (IOException e) {
      throw new AssertionError("the 'capnp' tool is needed for this test: install it with "
          + "'apt-get install -y capnproto' (" + e.getMessage() + ")", e);
    }
    var stderr = new StringBuilder();
    Thread feeder = Thread.ofVirtual().start(() -> {
      try (var out = p.getOutputStream()) {
        out.write(stdin);
      } catch (IOException ignored) {
        // The process exited early; its stderr says why.
      }
    });
    Thread errs = Thread.ofVirtual().start(() -> {
      try {
        stderr.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // Nothing more to read.
      }
    });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish in 60 s");
    }
    feeder.join();
    errs.join();
    if (p.exitValue() != 0) {
      throw new AssertionError(command + " failed (exit " + p.exitValue() + "): " + stderr);
    }
    return out;
  }
}
