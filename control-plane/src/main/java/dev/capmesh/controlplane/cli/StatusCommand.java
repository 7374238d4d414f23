package dev.capmesh.controlplane.cli;

import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.FleetStatus;
import dev.capmesh.proto.v1.RunnerState;
import dev.capmesh.proto.v1.StatusReply;
import dev.capmesh.proto.v1.StatusRequest;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code control-plane status [--fleet NAME]}. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show fleets, their runners (version, last heartbeat, last NACK) and rollouts in progress.")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand ControlPlaneMain main;
  @Mixin Remote remote;

  @Option(names = "--fleet", paramLabel = "NAME", description = "only this fleet")
  @Nullable String fleet;

  @Override
  public Integer call() throws Exception {
    var stub = remote.connect(main);
    try {
      StatusReply reply = stub.withDeadlineAfter(15, TimeUnit.SECONDS)
          .status(StatusRequest.newBuilder().setFleet(fleet == null ? "" : fleet).build());
      long now = Clock.systemUTC().millis();
      for (FleetStatus f : reply.getFleetsList()) {
        print(f, now);
      }
      return ControlPlaneMain.OK;
    } catch (StatusRuntimeException e) {
      return remote.failed(main, e);
    } finally {
      remote.close();
    }
  }

  private void print(FleetStatus f, long now) {
    main.out.println("fleet " + f.getFleet() + ": version " + shortOrNone(f.getDesiredVersion())
        + ", last good " + shortOrNone(f.getLastGoodVersion()));
    if (f.hasRollout()) {
      main.out.println("  rollout in progress: " + Progress.headline(f.getRollout()));
    }
    if (f.getRunnersCount() == 0) {
      main.out.println("  no runners");
    }
    for (RunnerState r : f.getRunnersList()) {
      long ago = Math.max(0, now - r.getLastHeartbeatUnixMs()) / 1000;
      main.out.println("  runner " + r.getRunnerId() + ": " + r.getStatus() + ", version "
          + shortOrNone(r.getVersion()) + ", last seen " + ago + "s ago"
          + (r.getHealthDetail().isEmpty() ? "" : ", " + r.getHealthDetail())
          + (r.getNackedVersion().isEmpty() ? "" : ", last NACK of "
              + PlanDigest.shortVersion(r.getNackedVersion()) + ": "
              + r.getError().lines().findFirst().orElse("")));
    }
  }

  static String shortOrNone(String v) {
    return v.isEmpty() ? "(none)" : PlanDigest.shortVersion(v);
  }
}
