package dev.capmesh.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.proto.v1.RolloutEvent;
import dev.capmesh.proto.v1.RunnerState;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
  static RolloutEvent event(String state, String r1) {
    return RolloutEvent.newBuilder().setFleet("web").setKind("push").setState(state)
        .setVersion("2".repeat(64)).setFromVersion("1".repeat(64)).setWave(1)
        .addRunners(RunnerState.newBuilder().setRunnerId("r1").setWave(1).setStatus(r1)
            .setError(r1.equals("nacked") ? "port 8080 in use" : ""))
        .addRunners(RunnerState.newBuilder().setRunnerId("r2").setStatus("waiting"))
        .build();
  }

  @Test
  void plainLinesOnlyForChanges() {
    var w = new StringWriter();
    var p = new Progress(new PrintWriter(w), false);
    p.show(event("wave", "pending"));
    p.show(event("wave", "pending"));
    p.show(event("wave", "nacked"));
    assertThat(w.toString()).isEqualTo("""
        fleet web: 111111111111 -> 222222222222: wave, wave 1, nacks 0/0 allowed
          canary r1: pending
          not yet r2: waiting
          canary r1: nacked: port 8080 in use
        """);
  }

  @Test
  void onATerminalTheBlockIsRedrawnInPlace() {
    var w = new StringWriter();
    var p = new Progress(new PrintWriter(w), true);
    p.show(event("wave", "pending"));
    int first = w.toString().length();
    p.show(event("wave", "acked"));
    String second = w.toString().substring(first);
    assertThat(second).startsWith("\033[5F\033[J");
    assertThat(second).contains("  canary: 1 acked, 0 nacked, 0 other\n    r1  acked\n");
  }

  @Test
  void aRollbackNamesRunnersOutsideWavesPlainly() {
    var w = new StringWriter();
    var p = new Progress(new PrintWriter(w), false);
    p.show(RolloutEvent.newBuilder().setFleet("web").setKind("rollback").setState("rolled-back")
        .setVersion("1".repeat(64)).addRunners(RunnerState.newBuilder().setRunnerId("r2")
            .setStatus("acked")).build());
    assertThat(w.toString()).contains("  runner r2: acked\n").doesNotContain("not yet");
  }
}
