package dev.capmesh.controlplane;

import com.google.protobuf.ByteString;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.Binding;
import dev.capmesh.proto.v1.Module;
import dev.capmesh.proto.v1.Modules;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.Service;
import dev.capmesh.proto.v1.WorkerSpec;

/** Sealed plans for tests: two workers, one of them answering {@code text}. */
final class Plans {
  private Plans() {}

  static RunnerPlan plan(String text) {
    return plan(text, 1);
  }

  static RunnerPlan plan(String text, int format) {
    return PlanDigest.seal(RunnerPlan.newBuilder()
        .setFormat(format)
        .setSource("test.capnp")
        .addServices(worker("main", "export default { fetch() { return new Response('" + text + "'); } }"))
        .addServices(worker("other", "export default { fetch() { return new Response('same'); } }")
            .toBuilder().setWorker(WorkerSpec.newBuilder()
                .setModules(Modules.newBuilder().addModules(Module.newBuilder().setName("o.js")
                    .setKind(Module.Kind.ES_MODULE)
                    .setContent(ByteString.copyFromUtf8("export default {}"))))
                .addBindings(Binding.newBuilder().setName("API_KEY").setSecret("s3cr3t-value"))))
        .build());
  }

  private static Service worker(String name, String code) {
    return Service.newBuilder().setName(name).setWorker(WorkerSpec.newBuilder()
        .setModules(Modules.newBuilder().addModules(Module.newBuilder().setName(name + ".js")
            .setKind(Module.Kind.ES_MODULE).setContent(ByteString.copyFromUtf8(code)))))
        .build();
  }
}
