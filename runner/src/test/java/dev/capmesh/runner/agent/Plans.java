package dev.capmesh.runner.agent;

import com.google.protobuf.ByteString;
import dev.capmesh.proto.PlanDeltas;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.HttpSocket;
import dev.capmesh.proto.v1.Module;
import dev.capmesh.proto.v1.Modules;
import dev.capmesh.proto.v1.PlanUpdate;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.Service;
import dev.capmesh.proto.v1.ServiceRef;
import dev.capmesh.proto.v1.Socket;
import dev.capmesh.proto.v1.WorkerSpec;

/** Small sealed plans and the updates that carry them. */
final class Plans {
  private Plans() {}

  /** A plan with one worker per body ("w0", "w1", ...), socket "http" serving w0. */
  static RunnerPlan plan(String... bodies) {
    return PlanDigest.seal(unsealed(PlanDigest.CURRENT_FORMAT, bodies));
  }

  static RunnerPlan unsealed(int format, String... bodies) {
    RunnerPlan.Builder b = RunnerPlan.newBuilder().setFormat(format).setSource("test.capnp");
    for (int i = 0; i < bodies.length; i++) {
      b.addServices(Service.newBuilder().setName("w" + i).setWorker(WorkerSpec.newBuilder()
          .setCompatibilityDate("2025-01-01")
          .setModules(Modules.newBuilder().addModules(Module.newBuilder().setName("main.js")
              .setKind(Module.Kind.ES_MODULE)
              .setContent(ByteString.copyFromUtf8("export default { fetch() { return new Response("
                  + "'" + bodies[i] + "'); } };"))))));
    }
    b.addSockets(Socket.newBuilder().setName("http").setAddress("127.0.0.1:0")
        .setService(ServiceRef.newBuilder().setService("w0")).setHttp(HttpSocket.getDefaultInstance()));
    return b.build();
  }

  static PlanUpdate full(String nonce, RunnerPlan plan) {
    return PlanUpdate.newBuilder().setNonce(nonce).setVersion(plan.getVersion()).setPlan(plan).build();
  }

  static PlanUpdate delta(String nonce, RunnerPlan base, RunnerPlan target) {
    return PlanUpdate.newBuilder().setNonce(nonce).setVersion(target.getVersion())
        .setDelta(PlanDeltas.diff(base, target)).build();
  }
}
