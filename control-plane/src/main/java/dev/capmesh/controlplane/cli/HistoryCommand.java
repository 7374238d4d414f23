package dev.capmesh.controlplane.cli;

import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.HistoryEntry;
import dev.capmesh.proto.v1.HistoryReply;
import dev.capmesh.proto.v1.HistoryRequest;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code control-plane history --fleet NAME}: versions pushed and rolled back to, oldest first. */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = "List the versions pushed to (and rolled back to on) a fleet, oldest first.")
final class HistoryCommand implements Callable<Integer> {
  @ParentCommand ControlPlaneMain main;
  @Mixin Remote remote;

  @Option(names = "--fleet", required = true, paramLabel = "NAME", description = "the fleet")
  String fleet;

  @Override
  public Integer call() throws Exception {
    var stub = remote.connect(main);
    try {
      HistoryReply reply = stub.withDeadlineAfter(15, TimeUnit.SECONDS)
          .history(HistoryRequest.newBuilder().setFleet(fleet).build());
      if (reply.getEntriesCount() == 0) {
        main.out.println("fleet " + fleet + ": nothing pushed yet");
      }
      for (HistoryEntry h : reply.getEntriesList()) {
        main.out.println(Instant.ofEpochMilli(h.getPushedUnixMs()).truncatedTo(ChronoUnit.SECONDS)
            + "  " + PlanDigest.shortVersion(h.getVersion()) + "  " + h.getOutcome()
            + (h.getConfigName().isEmpty() ? "" : "  " + h.getConfigName()));
      }
      return ControlPlaneMain.OK;
    } catch (StatusRuntimeException e) {
      return remote.failed(main, e);
    } finally {
      remote.close();
    }
  }
}
