package dev.capmesh.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * workerd's canonical inheritance form served through the real {@code bin/runner serve}: the base
 * is a service whose worker leaves a parameter unfilled; it is not started, and the services
 * derived from it by name serve with their own bindings.
 */
class AbstractBaseServeTest {
  @Test
  void derivedServicesServeAndTheAbstractBaseIsNotStarted(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("auth.js"), """
        export default {
          fetch(request, env) {
            return new Response(env.REALM + " " + typeof env.TRACE + " " + Object.keys(env).sort().join(","));
          }
        };
        """);
    Path config = dir.resolve("config.capnp");
    Files.writeString(config, """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "auth", worker = .authWorker),
            (name = "authDev", worker = (inherit = "auth", bindings = [(name = "REALM", text = "dev")])),
            (name = "authProd", worker = (inherit = "authDev", bindings = [(name = "REALM", text = "prod")])),
          ],
          sockets = [
            (name = "dev", address = "127.0.0.1:1", http = (), service = "authDev"),
            (name = "prod", address = "127.0.0.1:2", http = (), service = "authProd"),
          ],
        );
        const authWorker :Workerd.Worker = (
          modules = [(name = "auth.js", esModule = embed "auth.js")],
          compatibilityDate = "2024-09-01",
          bindings = [
            (name = "REALM", parameter = (type = (text = void))),
            (name = "TRACE", parameter = (type = (text = void), optional = true)),
          ],
        );
        """);
    try (var runner = ServedRunner.serve(config, List.of("dev", "prod"))) {
      HttpResponse<String> dev = runner.get("dev", "/");
      assertThat(dev.statusCode()).as(runner.output()).isEqualTo(200);
      assertThat(dev.body()).isEqualTo("dev undefined REALM");
      assertThat(runner.get("prod", "/").body()).isEqualTo("prod undefined REALM");
      assertThat(Files.readString(runner.stdout)).contains("-> service authDev", "-> service authProd")
          .doesNotContain("-> service auth\n");
    }
  }
}
