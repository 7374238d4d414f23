package dev.capmesh.compiler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.Binding;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan the compiler writes: resolved, content-hashed, nothing the config did not say. */
class PlannerTest {
  @TempDir Path dir;

  private RunnerPlan plan(String text) throws Exception {
    Path file = dir.resolve("config.capnp");
    Files.writeString(file, "using Workerd = import \"/workerd/workerd.capnp\";\n" + text);
    return Planner.plan(ConfigCompiler.create().compile(file, null));
  }

  private static String config(String priceCode, String secret) {
    return """
        const config :Workerd.Config = (
          services = [
            (name = "base", worker = (
              modules = [ (name = "app.js", esModule = "export default {}") ],
              compatibilityDate = "2024-09-01",
              bindings = [ (name = "PRICES", parameter = (type = (service = void))),
                           (name = "TOKEN", secret = "SECRET") ],
            )),
            (name = "app", worker = (inherit = "base",
              bindings = [ (name = "PRICES", service = "prices") ])),
            (name = "prices", worker = (
              modules = [ (name = "p.js", esModule = "PRICE_CODE") ],
              compatibilityDate = "2024-09-01")),
            (name = "egress", network = (allow = ["public"], deny = ["10.0.0.0/8"])),
            (name = "bucket", disk = (path = "files", writable = true)),
          ],
          sockets = [ (name = "http", address = "127.0.0.1:8080", http = (), service = "app") ],
        );
        """.replace("PRICE_CODE", priceCode).replace("SECRET", secret);
  }

  @Test void thePlanIsTheResolvedConfigWithoutAbstractServices() throws Exception {
    RunnerPlan plan = plan(config("export default {}", "tok-1"));
    assertThat(plan.getFormat()).isEqualTo(PlanDigest.CURRENT_FORMAT);
    assertThat(plan.getServicesList()).extracting(Service::getName)
        .containsExactly("app", "prices", "egress", "bucket"); // "base" leaves PRICES unfilled
    Service app = plan.getServices(0);
    assertThat(app.getWorker().getBindingsList()).extracting(Binding::getName)
        .containsExactlyInAnyOrder("PRICES", "TOKEN");
    Binding prices = app.getWorker().getBindingsList().stream()
        .filter(b -> b.getName().equals("PRICES")).findFirst().orElseThrow();
    assertThat(prices.getService().getService()).isEqualTo("prices");
    assertThat(app.getWorker().getModules().getModules(0).getContent().toStringUtf8())
        .isEqualTo("export default {}");
    assertThat(plan.getServices(2).getNetwork().getAllowList()).containsExactly("public");
    assertThat(plan.getServices(2).getNetwork().getDenyList()).containsExactly("10.0.0.0/8");
    assertThat(plan.getServices(3).getDisk().getWritable()).isTrue();
    assertThat(plan.getSockets(0).getService().getService()).isEqualTo("app");
    assertThat(app.getWorker().hasGlobalOutbound()).isFalse();
    PlanDigest.verify(plan);
  }

  @Test void theSameConfigGivesTheSameVersionAndOneChangeChangesOneHash() throws Exception {
    RunnerPlan a = plan(config("export default {}", "tok-1"));
    RunnerPlan again = plan(config("export default {}", "tok-1"));
    RunnerPlan pricesChanged = plan(config("export default { x: 1 }", "tok-1"));
    RunnerPlan secretChanged = plan(config("export default {}", "tok-2"));
    assertThat(again.getVersion()).isEqualTo(a.getVersion());
    assertThat(pricesChanged.getVersion()).isNotEqualTo(a.getVersion());
    for (int i = 0; i < a.getServicesCount(); i++) {
      boolean isPrices = a.getServices(i).getName().equals("prices");
      assertThat(pricesChanged.getServices(i).getHash().equals(a.getServices(i).getHash()))
          .as(a.getServices(i).getName()).isEqualTo(!isPrices);
    }
    // A rotated secret is a new plan (runners must get the new value), in the one worker only.
    assertThat(secretChanged.getVersion()).isNotEqualTo(a.getVersion());
    assertThat(secretChanged.getServices(0).getHash()).isNotEqualTo(a.getServices(0).getHash());
    assertThat(secretChanged.getServices(1).getHash()).isEqualTo(a.getServices(1).getHash());
  }

  @Test void kindsThePlanFormatDoesNotServeAreCarriedByName() throws Exception {
    RunnerPlan plan = plan("""
        const config :Workerd.Config = (
          services = [
            (name = "w", worker = (
              modules = [ (name = "w.js", esModule = "export default {}"),
                          (name = "m.wasm", wasm = 0x"00 61 73 6d") ],
              compatibilityDate = "2024-09-01",
              bindings = [ (name = "Q", queue = "w") ])),
            (name = "tls", external = (address = "127.0.0.1:443", https = ())),
          ],
          sockets = [ (name = "t", address = "127.0.0.1:9000", tcp = (), service = "w") ],
        );
        """);
    var w = plan.getServices(0).getWorker();
    assertThat(w.getModules().getModules(1).getKindName()).isEqualTo("wasm");
    assertThat(w.getBindings(0).getUnsupported().getKind()).isEqualTo("queue");
    assertThat(plan.getServices(1).getExternal().getProtocol().name()).isEqualTo("HTTPS");
    assertThat(plan.getSockets(0).getUnsupported().getKind()).isEqualTo("tcp");
  }
}
