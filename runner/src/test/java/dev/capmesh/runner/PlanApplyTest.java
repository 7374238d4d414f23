package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.RunnerPlan;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one path every plan takes into a runner: checked (format, content hashes), built, swapped;
 * unchanged workers keep their warm contexts across plans.
 */
class PlanApplyTest {
  @TempDir Path dir;

  /** Two independent workers and a caller of the second; each counts its requests. */
  private RunnerPlan plan(String stableTag, String changingTag) throws Exception {
    return TestRunners.plan(TestRunners.compile(dir, """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "stable", worker = (compatibilityDate = "2024-09-01",
              modules = [ (name = "s.js", esModule = "let n = 0; export default { fetch() { n++; return new Response('STABLE ' + n); } }") ])),
            (name = "changing", worker = (compatibilityDate = "2024-09-01",
              modules = [ (name = "c.js", esModule = "let n = 0; export default { fetch() { n++; return new Response('CHANGING ' + n); } }") ])),
            (name = "caller", worker = (compatibilityDate = "2024-09-01",
              bindings = [ (name = "C", service = "changing") ],
              modules = [ (name = "k.js", esModule = "let n = 0; export default { async fetch(r, env) { n++; return new Response('caller ' + n + ' ' + await (await env.C.fetch('http://x/')).text()); } }") ])),
          ],
          sockets = [
            (name = "s", address = "127.0.0.1:1", http = (), service = "stable"),
            (name = "c", address = "127.0.0.1:2", http = (), service = "changing"),
            (name = "k", address = "127.0.0.1:3", http = (), service = "caller"),
          ],
        );
        """.replace("STABLE", stableTag).replace("CHANGING", changingTag)));
  }

  private static final Map<String, String> LOOPBACK =
      Map.of("s", "127.0.0.1:0", "c", "127.0.0.1:0", "k", "127.0.0.1:0");

  private Runner start(RunnerPlan plan) throws RunnerException {
    RunnerOptions defaults = RunnerOptions.defaults(dir);
    RunnerOptions one = new RunnerOptions(dir, LOOPBACK, defaults.limits(), 1,
        defaults.maxBodyBytes(), defaults.connectionLimits());
    return Runner.start(plan, one);
  }

  @Test void aOneWorkerChangeRebuildsThatWorkerOnly() throws Exception {
    try (Runner runner = start(plan("stable", "v1"))) {
      assertThat(TestRunners.get(runner, "s", "/")).isEqualTo("200 stable 1");
      assertThat(TestRunners.get(runner, "s", "/")).isEqualTo("200 stable 2");
      assertThat(TestRunners.get(runner, "k", "/")).isEqualTo("200 caller 1 v1 1");
      RunnerPlan next = plan("stable", "v2");
      runner.apply(next);
      assertThat(runner.version()).isEqualTo(next.getVersion());
      // Kept: module state lives on, so its count goes on.
      assertThat(TestRunners.get(runner, "s", "/")).isEqualTo("200 stable 3");
      // Rebuilt: the changed worker alone (its count starts again).
      assertThat(TestRunners.get(runner, "c", "/")).isEqualTo("200 v2 1");
      // Kept: the caller bound to it (its count goes on) reaches the new worker.
      assertThat(TestRunners.get(runner, "k", "/")).isEqualTo("200 caller 2 v2 2");
      // Applying the same plan again changes nothing.
      runner.apply(next);
      assertThat(TestRunners.get(runner, "c", "/")).isEqualTo("200 v2 3");
    }
  }

  @Test void aTamperedPlanIsRefusedAndTheCurrentOneKeepsServing() throws Exception {
    try (Runner runner = start(plan("stable", "v1"))) {
      RunnerPlan good = plan("stable", "v2");
      var evilModule = good.getServices(0).getWorker().getModules().getModules(0).toBuilder()
          .setContent(ByteString.copyFromUtf8("export default { fetch() { return new Response('pwned'); } }"));
      RunnerPlan.Builder evil = good.toBuilder();
      evil.getServicesBuilder(0).getWorkerBuilder().getModulesBuilder().setModules(0, evilModule);
      assertThatThrownBy(() -> runner.apply(evil.build())).isInstanceOf(RunnerException.class)
          .hasMessageContaining("service \"stable\" does not match its hash");
      RunnerPlan future = PlanDigest.seal(good.toBuilder().setFormat(PlanDigest.CURRENT_FORMAT + 1).build());
      assertThatThrownBy(() -> runner.apply(future)).isInstanceOf(RunnerException.class)
          .hasMessageContaining("newer than this runner reads");
      assertThat(TestRunners.get(runner, "s", "/")).isEqualTo("200 stable 1");
    }
  }

  @Test void aPlanThatFailsToBuildLeavesTheCurrentOneServingAndItsWorkersWarm() throws Exception {
    try (Runner runner = start(plan("stable", "v1"))) {
      assertThat(TestRunners.get(runner, "s", "/")).isEqualTo("200 stable 1");
      String before = runner.version();
      RunnerPlan broken = plan("stable", "v2'); syntax error (");
      assertThatThrownBy(() -> runner.apply(broken)).isInstanceOf(RunnerException.class)
          .hasMessageContaining("worker \"changing\"");
      assertThat(runner.version()).isEqualTo(before);
      assertThat(TestRunners.get(runner, "s", "/")).isEqualTo("200 stable 2");
      assertThat(TestRunners.get(runner, "c", "/")).isEqualTo("200 v1 1");
    }
  }

  @Test void aRunnerWithoutAPlanServesNothingUntilTheFirstOne() throws Exception {
    try (Runner runner = Runner.create(RunnerOptions.defaults(dir).withSocketAddresses(LOOPBACK))) {
      assertThat(runner.version()).isEmpty();
      assertThat(runner.listening()).isEmpty();
      runner.apply(plan("stable", "v1"));
      assertThat(runner.listening()).containsKeys("s", "c", "k");
      assertThat(TestRunners.get(runner, "s", "/")).isEqualTo("200 stable 1");
    }
  }
}
