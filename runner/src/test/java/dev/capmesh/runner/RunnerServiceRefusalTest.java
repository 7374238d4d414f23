package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.HttpOptions;
import dev.capmesh.schema.model.Module;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Socket;
import dev.capmesh.schema.model.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services the runner cannot build from their settings (a disk directory that does not exist, an
 * external address that does not parse) are reported as problems in one run, never thrown as a
 * bare exception, and nothing is left listening.
 */
class RunnerServiceRefusalTest {
  @TempDir Path dir;

  @Test
  void aMissingDiskDirectoryAndABadExternalAddressAreReportedByName() throws Exception {
    Files.writeString(dir.resolve("a-file"), "not a directory");
    Worker main = Worker.ofModules(List.of(Module.ofText("w.js", Module.Type.ES_MODULE,
            "export default { fetch() { return new Response('x'); } };")), "2024-09-01",
        List.of(new Binding("API", new BindingKind.Service(ServiceDesignator.of("api")))));
    Config config = Config.of(List.of(
        new Service("main", new ServiceKind.WorkerService(main)),
        new Service("api", new ServiceKind.ExternalService("127.0.0.1:not-a-port",
            new ServiceKind.ExternalHttp(HttpOptions.defaults()))),
        new Service("missing", new ServiceKind.DiskService("no/such/dir", false, false)),
        new Service("notDir", new ServiceKind.DiskService("a-file", false, false))),
        List.of(
            new Socket("web", "127.0.0.1:0", new Socket.Http(HttpOptions.defaults()), ServiceDesignator.of("main")),
            new Socket("files", "127.0.0.1:0", new Socket.Http(HttpOptions.defaults()), ServiceDesignator.of("missing")),
            new Socket("other", "127.0.0.1:0", new Socket.Http(HttpOptions.defaults()), ServiceDesignator.of("notDir"))));
    assertThatThrownBy(() -> Runner.start(TestRunners.plan(config), RunnerOptions.defaults(dir)).close())
        .isInstanceOfSatisfying(RunnerException.class, e -> {
          assertThat(e.problems()).anySatisfy(p -> assertThat(p)
              .startsWith("external service \"api\"").contains("not-a-port"));
          assertThat(e.problems()).anySatisfy(p -> assertThat(p)
              .startsWith("service \"missing\": disk path \"no/such/dir\"").endsWith("is not an existing directory"));
          assertThat(e.problems()).anySatisfy(p -> assertThat(p)
              .startsWith("service \"notDir\": disk path \"a-file\"").endsWith("is not an existing directory"));
        });
  }
}
