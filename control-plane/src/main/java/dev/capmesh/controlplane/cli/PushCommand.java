package dev.capmesh.controlplane.cli;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.plan.Planner;
import dev.capmesh.compiler.support.CompileReport;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.PushRequest;
import dev.capmesh.proto.v1.RunnerPlan;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code control-plane push config.capnp --fleet NAME}: compile, upload, roll out, follow. */
@Command(name = "push", mixinStandardHelpOptions = true,
    description = {"Compile a config (reporting exactly the errors of runner check; nothing is "
        + "uploaded when there are any), upload its plan and roll it out to a fleet in waves.",
        "Exit status: 0 completed, 1 config errors or refused, 2 cannot reach the control plane "
            + "(or bad usage), "
            + "3 rolled back (too many NACKs or unhealthy runners)."})
final class PushCommand implements Callable<Integer> {
  @ParentCommand ControlPlaneMain main;
  @Mixin Remote remote;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "the config file (.capnp text)")
  Path file;

  @Parameters(index = "1", arity = "0..1", paramLabel = "CONST",
      description = "which Config constant to use, if the file declares several")
  @Nullable String constName;

  @Option(names = "--fleet", required = true, paramLabel = "NAME", description = "the fleet")
  String fleet;

  @Option(names = "--canary", paramLabel = "PERCENT", defaultValue = "10",
      description = "the first wave's share of the online runners, at least one (default: ${DEFAULT-VALUE})")
  int canary;

  @Option(names = "--wave-size", paramLabel = "N", defaultValue = "10",
      description = "runners per wave after the canary (default: ${DEFAULT-VALUE})")
  int waveSize;

  @Option(names = "--max-nacks", paramLabel = "N", defaultValue = "0",
      description = "failed runners tolerated; one more rolls the fleet back (default: ${DEFAULT-VALUE})")
  int maxNacks;

  @Override
  public Integer call() throws Exception {
    if (canary < 0 || canary > 100) {
      throw new IllegalArgumentException("--canary: " + canary + " (expected: 0..100 percent)");
    }
    if (waveSize < 1) {
      throw new IllegalArgumentException("--wave-size: " + waveSize + " (expected: >= 1)");
    }
    if (maxNacks < 0) {
      throw new IllegalArgumentException("--max-nacks: " + maxNacks + " (expected: >= 0)");
    }
    CompiledConfig compiled = CompileReport.compileServable(file, constName, main.err, "control-plane");
    if (compiled == null) {
      main.err.println("control-plane: nothing was pushed");
      return ControlPlaneMain.REFUSED;
    }
    RunnerPlan plan = Planner.plan(compiled);
    var stub = remote.connect(main);
    try {
      main.out.println("pushing " + PlanDigest.shortVersion(plan.getVersion()) + " ("
          + plan.getSource() + ") to fleet " + fleet + " at " + remote.where());
      main.out.flush();
      var events = stub.push(PushRequest.newBuilder().setFleet(fleet).setPlan(plan)
          .setConfigName(plan.getSource()).setCanaryPercent(canary).setWaveSize(waveSize)
          .setMaxNacks(maxNacks).build());
      return Rollouts.follow(main, remote, events);
    } catch (StatusRuntimeException e) {
      return remote.failed(main, e);
    } finally {
      remote.close();
    }
  }
}
