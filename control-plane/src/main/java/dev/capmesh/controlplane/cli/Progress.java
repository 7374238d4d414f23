package dev.capmesh.controlplane.cli;

import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.RolloutEvent;
import dev.capmesh.proto.v1.RunnerState;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shows a rollout's events: on a terminal, one block redrawn in place (each wave's runners with
 * pending/acked/nacked and the NACK reason); otherwise plain lines, one per change, for logs
 * and scripts.
 */
final class Progress {
  private final PrintWriter out;
  private final boolean terminal;
  private int drawnLines;
  private String lastHeadline = "";
  private final Map<String, String> lastRunner = new HashMap<>();

  Progress(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  void show(RolloutEvent e) {
    if (terminal) {
      redraw(e);
    } else {
      lines(e);
    }
    out.flush();
  }

  static String headline(RolloutEvent e) {
    String v = PlanDigest.shortVersion(e.getVersion());
    String what = e.getKind().equals("rollback") ? "rollback to " + v
        : e.getFromVersion().isEmpty() ? v : PlanDigest.shortVersion(e.getFromVersion()) + " -> " + v;
    return "fleet " + e.getFleet() + ": " + what + ": " + e.getState()
        + (e.getWave() > 0 && e.getKind().equals("push") ? ", wave " + e.getWave() : "")
        + (e.getKind().equals("push") ? ", nacks " + e.getNacks() + "/" + e.getMaxNacks() + " allowed" : "")
        + (e.getMessage().isEmpty() ? "" : ": " + e.getMessage());
  }

  private void lines(RolloutEvent e) {
    String h = headline(e);
    if (!h.equals(lastHeadline)) {
      out.println(h);
      lastHeadline = h;
    }
    for (RunnerState r : e.getRunnersList()) {
      String line = "  " + waveName(e, r.getWave()) + " " + r.getRunnerId() + ": " + r.getStatus()
          + (r.getError().isEmpty() ? "" : ": " + oneLine(r.getError()));
      if (!line.equals(lastRunner.get(r.getRunnerId()))) {
        out.println(line);
        lastRunner.put(r.getRunnerId(), line);
      }
    }
  }

  private void redraw(RolloutEvent e) {
    List<String> block = new ArrayList<>();
    block.add(headline(e));
    Map<Integer, List<RunnerState>> byWave = new TreeMap<>();
    for (RunnerState r : e.getRunnersList()) {
      byWave.computeIfAbsent(r.getWave(), k -> new ArrayList<>()).add(r);
    }
    byWave.forEach((wave, rs) -> {
      long acked = rs.stream().filter(r -> r.getStatus().equals("acked")).count();
      long nacked = rs.stream().filter(r -> r.getStatus().equals("nacked")).count();
      block.add("  " + waveName(e, wave) + ": " + acked + " acked, " + nacked + " nacked, "
          + (rs.size() - acked - nacked) + " other");
      for (RunnerState r : rs) {
        block.add("    " + r.getRunnerId() + "  " + r.getStatus()
            + (r.getError().isEmpty() ? "" : ": " + oneLine(r.getError())));
      }
    });
    if (drawnLines > 0) {
      out.print("\033[" + drawnLines + "F\033[J");
    }
    block.forEach(out::println);
    drawnLines = block.size();
  }

  /** A runner's place in the rollout; a rollback moves every runner at once, outside waves. */
  private static String waveName(RolloutEvent e, int wave) {
    if (wave == 0) {
      return e.getState().startsWith("roll") ? "runner" : "not yet";
    }
    return wave == 1 ? "canary" : "wave " + wave;
  }

  private static String oneLine(String s) {
    String first = s.lines().findFirst().orElse("");
    return s.lines().count() > 1 ? first + " (...)" : first;
  }
}
