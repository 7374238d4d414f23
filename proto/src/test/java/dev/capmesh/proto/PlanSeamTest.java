package dev.capmesh.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.capmesh.proto.v1.Binding;
import dev.capmesh.proto.v1.CryptoKeySpec;
import dev.capmesh.proto.v1.HttpSocket;
import dev.capmesh.proto.v1.Module;
import dev.capmesh.proto.v1.Modules;
import dev.capmesh.proto.v1.PlanDelta;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.Service;
import dev.capmesh.proto.v1.ServiceRef;
import dev.capmesh.proto.v1.Socket;
import dev.capmesh.proto.v1.WorkerSpec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Content hashes, deltas, redaction and JSON of plans. */
class PlanSeamTest {
  private static Service worker(String name, String code, Binding... bindings) {
    return Service.newBuilder().setName(name).setWorker(WorkerSpec.newBuilder()
        .setModules(Modules.newBuilder().addModules(Module.newBuilder().setName(name + ".js")
            .setKind(Module.Kind.ES_MODULE).setContent(ByteString.copyFromUtf8(code))))
        .addAllBindings(java.util.List.of(bindings))).build();
  }

  private static RunnerPlan plan(Service... services) {
    return PlanDigest.seal(RunnerPlan.newBuilder().setFormat(PlanDigest.CURRENT_FORMAT)
        .setSource("c.capnp").addAllServices(java.util.List.of(services))
        .addSockets(Socket.newBuilder().setName("http").setAddress("127.0.0.1:0")
            .setService(ServiceRef.newBuilder().setService(services[0].getName()))
            .setHttp(HttpSocket.getDefaultInstance()))
        .build());
  }

  @Test void theVersionDependsOnContentOnlyNotOnWhereItCameFrom() {
    RunnerPlan a = plan(worker("a", "export default {}"));
    RunnerPlan sameElsewhere = PlanDigest.seal(a.toBuilder().setSource("other/path.capnp").build());
    RunnerPlan changed = plan(worker("a", "export default { }"));
    assertThat(a.getVersion()).hasSize(64).isEqualTo(sameElsewhere.getVersion());
    assertThat(changed.getVersion()).isNotEqualTo(a.getVersion());
    assertThat(a.getServices(0).getHash()).isNotEqualTo(changed.getServices(0).getHash());
    PlanDigest.verify(a);
  }

  @Test void anAlteredServiceOrVersionIsRefusedByName() {
    RunnerPlan a = plan(worker("a", "export default {}"), worker("b", "export default {}"));
    RunnerPlan tampered = a.toBuilder().setServices(1, a.getServices(1).toBuilder()
        .setWorker(worker("b", "export default { evil: 1 }").getWorker())).build();
    assertThatThrownBy(() -> PlanDigest.verify(tampered)).hasMessageContaining("service \"b\" does not match its hash");
    RunnerPlan rehashed = tampered.toBuilder().setServices(1, PlanDigest.seal(tampered.getServices(1))).build();
    assertThatThrownBy(() -> PlanDigest.verify(rehashed)).hasMessageContaining("claims version");
  }

  @Test void aOneWorkerChangeSendsOneWorkerAndRebuildsTheSamePlan() {
    RunnerPlan base = plan(worker("a", "A1"), worker("b", "B1"), worker("c", "C1"));
    RunnerPlan target = plan(worker("a", "A1"), worker("b", "B2"), worker("d", "D1"));
    PlanDelta delta = PlanDeltas.diff(base, target);
    assertThat(delta.getUpsertedList()).extracting(Service::getName).containsExactly("b", "d");
    assertThat(delta.getRemovedList()).containsExactly("c");
    assertThat(delta.getSerializedSize()).isLessThan(target.getSerializedSize());
    RunnerPlan rebuilt = PlanDeltas.apply(base, delta, target.getVersion());
    assertThat(rebuilt).isEqualTo(target.toBuilder().setSource(target.getSource()).build());
  }

  @Test void aDeltaOnTheWrongBaseOrAnnouncingAnotherVersionIsRefused() {
    RunnerPlan base = plan(worker("a", "A1"));
    RunnerPlan other = plan(worker("a", "A0"));
    RunnerPlan target = plan(worker("a", "A2"));
    PlanDelta delta = PlanDeltas.diff(base, target);
    assertThatThrownBy(() -> PlanDeltas.apply(other, delta, target.getVersion()))
        .hasMessageContaining("the delta is based on version " + PlanDigest.shortVersion(base.getVersion()));
    assertThatThrownBy(() -> PlanDeltas.apply(base, delta, other.getVersion()))
        .hasMessageContaining("not the announced");
    PlanDelta forged = delta.toBuilder().addOrder("ghost").build();
    assertThatThrownBy(() -> PlanDeltas.apply(base, forged, target.getVersion()))
        .hasMessageContaining("\"ghost\"");
  }

  @Test void secretFieldsAreRedactedAtAnyDepthAndInJson() {
    String secret = "s3cr3t-\"value\"\nline2";
    byte[] key = "key-material-bytes".getBytes(StandardCharsets.UTF_8);
    RunnerPlan p = plan(worker("a", "export default {}",
        Binding.newBuilder().setName("TOKEN").setSecret(secret).build(),
        Binding.newBuilder().setName("KEY").setCryptoKey(CryptoKeySpec.newBuilder().setFormat("raw")
            .setAlgorithm("HMAC").setKeyData(ByteString.copyFrom(key))).build(),
        Binding.newBuilder().setName("PLAIN").setText("visible").build()));
    RunnerPlan redacted = Redaction.redact(p);
    assertThat(redacted.toString()).doesNotContain("s3cr3t").doesNotContain("key-material");
    assertThat(redacted.getServices(0).getWorker().getBindings(0).getSecret()).isEqualTo(Redaction.MARK);
    String json = PlanJson.write(p);
    assertThat(json).doesNotContain("s3cr3t").doesNotContain("a2V5LW1hdGVyaWFs") // base64 of the key
        .doesNotContain("key-material").contains("[REDACTED]").contains("visible")
        .contains("export default {}");
    // The original is untouched: the runner still gets the value.
    assertThat(p.getServices(0).getWorker().getBindings(0).getSecret()).isEqualTo(secret);
  }
}
