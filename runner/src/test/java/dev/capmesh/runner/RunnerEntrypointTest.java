package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named entrypoints and props on sockets and service bindings, end to end through a Runner. */
class RunnerEntrypointTest {
  @TempDir Path dir;

  private static final String API = """
      import { WorkerEntrypoint } from "cloudflare:workers";
      export default { fetch(req, env, ctx) { return new Response("default " + JSON.stringify(ctx.props)); } };
      export const admin = { fetch(req, env, ctx) { return new Response("admin " + JSON.stringify(ctx.props)); } };
      export class Ops extends WorkerEntrypoint {
        fetch(req) { return new Response("ops " + JSON.stringify(this.ctx.props)); }
      }
      export const notHandlers = 42;
      """;

  private String config(String sockets, String extraServices) {
    return """
        using Workerd = import "/workerd/workerd.capnp";
        const api :Workerd.Worker = (modules = [(name = "api.js", esModule = %s)],
            compatibilityDate = "2024-09-01");
        const config :Workerd.Config = (
          services = [(name = "api", worker = .api)%s],
          sockets = [%s],
        );
        """.formatted(capnpString(API), extraServices, sockets);
  }

  static String capnpString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  @Test
  void socketsServeTheNamedExportWithProps() throws Exception {
    var config = TestRunners.compile(dir, config("""
        (name = "plain", address = "*:1", http = (), service = "api"),
        (name = "admin", address = "*:2", http = (), service = (name = "api", entrypoint = "admin")),
        (name = "ops", address = "*:3", http = (),
            service = (name = "api", entrypoint = "Ops", props = (json = "{\\"role\\":\\"ops\\"}"))),
        (name = "props", address = "*:4", http = (),
            service = (name = "api", props = (json = "{\\"who\\":\\"socket\\"}")))
        """, ""));
    try (Runner runner = TestRunners.start(dir, config)) {
      assertThat(TestRunners.get(runner, "plain", "/")).isEqualTo("200 default {}");
      assertThat(TestRunners.get(runner, "admin", "/")).isEqualTo("200 admin {}");
      assertThat(TestRunners.get(runner, "ops", "/")).isEqualTo("200 ops {\"role\":\"ops\"}");
      assertThat(TestRunners.get(runner, "props", "/")).isEqualTo("200 default {\"who\":\"socket\"}");
    }
  }

  @Test
  void aSocketOnAnExportWithoutFetchGetsAClear500() throws Exception {
    var config = TestRunners.compile(dir, config("""
        (name = "bad", address = "*:1", http = (), service = (name = "api", entrypoint = "notHandlers")),
        (name = "proto", address = "*:2", http = (), service = (name = "api", entrypoint = "__proto__"))
        """, ""));
    try (Runner runner = TestRunners.start(dir, config)) {
      assertThat(TestRunners.get(runner, "bad", "/")).startsWith("500 ");
      assertThat(TestRunners.get(runner, "proto", "/")).startsWith("500 ");
    }
  }

  @Test
  void bindingsInACycleStillReachTheNamedExportWithProps() throws Exception {
    // front binds back; back binds front's "admin" export with props. front is built first, so
    // back's binding to it is made while front is still being built.
    var config = TestRunners.compile(dir, """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "front", worker = (compatibilityDate = "2024-09-01",
                modules = [(name = "f.js", esModule = %s)],
                bindings = [(name = "BACK", service = "back")])),
            (name = "back", worker = (compatibilityDate = "2024-09-01",
                modules = [(name = "b.js", esModule = %s)],
                bindings = [(name = "FRONT", service = (name = "front", entrypoint = "admin",
                    props = (json = "{\\"from\\":\\"back\\"}")))])),
          ],
          sockets = [(name = "http", address = "*:1", http = (), service = "front")],
        );
        """.formatted(
            capnpString("""
                export default { async fetch(req, env) {
                  if (new URL(req.url).pathname === "/loop") return new Response("default reached");
                  return env.BACK.fetch("http://back/"); } };
                export const admin = { fetch(req, env, ctx) { return new Response("admin " + JSON.stringify(ctx.props)); } };
                """),
            capnpString("""
                export default { fetch(req, env) { return env.FRONT.fetch("http://front/loop"); } };
                """)));
    try (Runner runner = TestRunners.start(dir, config)) {
      assertThat(TestRunners.get(runner, "http", "/")).isEqualTo("200 admin {\"from\":\"back\"}");
    }
  }

  @Test
  void anEntrypointOnAServiceThatIsNotAWorkerIsRefusedByName() throws Exception {
    var model = TestRunners.compile(dir, config("""
        (name = "http", address = "*:1", http = (), service = "api")
        """, ", (name = \"files\", disk = (path = \".\"))"));
    var socket = new dev.capmesh.schema.model.Socket("files", "127.0.0.1:0",
        model.sockets().get(0).protocol(), new dev.capmesh.schema.model.ServiceDesignator("files",
            java.util.Optional.of("admin"), java.util.Optional.empty()));
    var config = dev.capmesh.schema.model.Config.of(model.services(), java.util.List.of(socket));
    assertThatThrownBy(() -> TestRunners.start(dir, config).close())
        .isInstanceOf(RunnerException.class)
        .hasMessageContaining("socket \"files\" names entrypoint \"admin\" of service \"files\", "
            + "which is not a worker");
  }

  @Test
  void propsOnABindingToAServiceThatIsNotAWorkerAreRefusedByName() throws Exception {
    var config = TestRunners.compile(dir, """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "main", worker = (compatibilityDate = "2024-09-01",
                modules = [(name = "m.js", esModule = "export default {}")],
                bindings = [(name = "FILES", service = (name = "files", props = (json = "{}")))])),
            (name = "files", disk = (path = ".")),
          ],
          sockets = [(name = "http", address = "*:1", http = (), service = "main")],
        );
        """);
    assertThatThrownBy(() -> TestRunners.start(dir, config).close())
        .isInstanceOf(RunnerException.class)
        .hasMessageContaining("worker \"main\"'s binding \"FILES\" names props of service "
            + "\"files\", which is not a worker");
  }
}
