package dev.capmesh.controlplane.cli;

import dev.capmesh.proto.v1.RolloutEvent;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;

/** Follows a Push or Rollback event stream to its end and turns the final state into an exit code. */
final class Rollouts {
  private Rollouts() {}

  static int follow(ControlPlaneMain main, Remote remote, Iterator<RolloutEvent> events) {
    var progress = new Progress(main.out, main.outIsTerminal);
    RolloutEvent last = null;
    try {
      while (events.hasNext()) {
        last = events.next();
        progress.show(last);
      }
    } catch (StatusRuntimeException e) {
      return remote.failed(main, e);
    }
    if (last == null) {
      main.err.println("control-plane: the control plane sent no rollout event");
      return ControlPlaneMain.REFUSED;
    }
    return switch (last.getState()) {
      case "completed" -> ControlPlaneMain.OK;
      case "rolled-back" -> last.getKind().equals("rollback") ? ControlPlaneMain.OK
          : ControlPlaneMain.ROLLED_BACK;
      default -> ControlPlaneMain.REFUSED;
    };
  }
}
