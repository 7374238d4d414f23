package dev.capmesh.controlplane.cli;

import dev.capmesh.proto.v1.RollbackRequest;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code control-plane rollback --fleet NAME [--to VERSION]}. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = {"Roll every runner of a fleet back (stopping a rollout in progress) to VERSION, "
        + "or by default to the last version every runner had ACKed before the current one.",
        "Exit status: 0 rolled back, 1 refused, 2 cannot reach the control plane."})
final class RollbackCommand implements Callable<Integer> {
  @ParentCommand ControlPlaneMain main;
  @Mixin Remote remote;

  @Option(names = "--fleet", required = true, paramLabel = "NAME", description = "the fleet")
  String fleet;

  @Option(names = "--to", paramLabel = "VERSION",
      description = "a version from history (a unique prefix is enough)")
  @Nullable String to;

  @Override
  public Integer call() throws Exception {
    var stub = remote.connect(main);
    try {
      var events = stub.rollback(RollbackRequest.newBuilder().setFleet(fleet)
          .setToVersion(to == null ? "" : to).build());
      return Rollouts.follow(main, remote, events);
    } catch (StatusRuntimeException e) {
      return remote.failed(main, e);
    } finally {
      remote.close();
    }
  }
}
