package dev.capmesh.runner;

import static dev.capmesh.runner.RunnerEntrypointTest.capnpString;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config whose worker is written in CommonJS, compiled by the real compiler and served. */
class RunnerCommonJsTest {
  @TempDir Path dir;

  @Test
  void aCommonJsWorkerServesItsDefaultAndNamedExportsOnSockets() throws Exception {
    var config = TestRunners.compile(dir, """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [(name = "api", worker = (compatibilityDate = "2024-09-01",
              modules = [
                (name = "main.js", commonJsModule = %s, namedExports = ["admin"]),
                (name = "util.js", commonJsModule = %s),
              ]))],
          sockets = [
            (name = "http", address = "*:1", http = (), service = "api"),
            (name = "admin", address = "*:2", http = (), service = (name = "api", entrypoint = "admin")),
          ],
        );
        """.formatted(
            capnpString("""
                const { shout } = require('./util.js');
                module.exports = {
                  fetch() { return new Response(shout('default')); },
                  admin: { fetch() { return new Response(shout('admin')); } },
                };
                """),
            capnpString("exports.shout = (s) => s.toUpperCase() + '!';")));
    try (Runner runner = TestRunners.start(dir, config)) {
      assertThat(TestRunners.get(runner, "http", "/")).isEqualTo("200 DEFAULT!");
      assertThat(TestRunners.get(runner, "admin", "/")).isEqualTo("200 ADMIN!");
    }
  }
}
