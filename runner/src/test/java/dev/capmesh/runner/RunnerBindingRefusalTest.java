package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.Module;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Worker;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * r2Bucket bindings that designate a worker or external service (workerd's R2 binding protocol)
 * compile, but this runner refuses them at start with a message naming the worker, the binding,
 * the target and the feature; kvNamespace bindings to workers and externals are served (workerd's
 * KV protocol), and r2Bucket bindings to a disk service keep a store in its directory.
 */
class RunnerBindingRefusalTest {
  @TempDir Path dir;

  private static Worker worker(String source, List<Binding> bindings) {
    return Worker.ofModules(List.of(Module.ofText("w.js", Module.Type.ES_MODULE, source)),
        "2024-09-01", bindings);
  }

  @Test
  void r2BindingsToWorkersAreRefusedByName() {
    Worker main = worker("export default { fetch() { return new Response('x'); } };", List.of(
        new Binding("KV", new BindingKind.KvNamespace(ServiceDesignator.of("mock"))),
        new Binding("BUCKET", new BindingKind.R2Bucket(ServiceDesignator.of("mock"))),
        new Binding("REMOTE", new BindingKind.KvNamespace(ServiceDesignator.of("remote"))),
        new Binding("FILES", new BindingKind.R2Bucket(ServiceDesignator.of("files")))));
    Config config = Config.of(List.of(
        new Service("main", new ServiceKind.WorkerService(main)),
        new Service("mock", new ServiceKind.WorkerService(
            worker("export default { fetch() { return new Response('{}'); } };", List.of()))),
        new Service("remote", new ServiceKind.ExternalService("127.0.0.1:9",
            new ServiceKind.ExternalHttp(dev.capmesh.schema.model.HttpOptions.defaults()))),
        new Service("files", new ServiceKind.DiskService(".", true, false))), List.of());
    assertThatThrownBy(() -> Runner.start(TestRunners.plan(config), RunnerOptions.defaults(dir)).close())
        .isInstanceOfSatisfying(RunnerException.class, e -> assertThat(e.problems()).containsExactly(
            "worker \"main\": r2Bucket binding \"BUCKET\" designates worker \"mock\": the workerd R2 "
                + "binding protocol is not supported by this runner yet (bind a storage service, or a "
                + "writable disk service)"));
  }
}
