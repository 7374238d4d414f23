package dev.capmesh.runner.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 7: an idle worker holding most of the heap (just below the level at which the runtime
 * acts) must not make other workers fail once their ordinary allocations push the heap over it:
 * the holder is stopped, not whoever runs. Runs {@link MemoryHolderMain} in a child JVM with a
 * 256 MiB heap and the same JVM options (Graal JIT) as this one.
 */
class JsMemoryIsolationTest {

  @Test @Timeout(180) void theWorkerHoldingTheHeapIsStoppedNotTheOneServing() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-Xmx") && !arg.startsWith("-Xms") && !arg.startsWith("-XX:MaxRAM")
          && !arg.startsWith("-XX:InitialRAM") && !arg.startsWith("-agentlib:jdwp")) {
        command.add(arg);
      }
    }
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MemoryHolderMain.class.getName());
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    Map<String, String> facts = new HashMap<>();
    var output = new StringBuilder();
    try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        output.append(line).append('\n');
        for (String part : line.split(" ")) {
          int eq = part.indexOf('=');
          if (eq > 0 && !line.contains(" - ")) {
            facts.put(part.substring(0, eq), part.substring(eq + 1));
          }
        }
      }
    }
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = output.toString();
    System.out.print(out);
    assertThat(child.exitValue()).as(out).isZero();
    // The scenario was set up: the holder filled most of the old generation, below the mark.
    assertThat(facts.get("holderFillStatus")).as(out).isEqualTo("200");
    assertThat(Integer.parseInt(facts.get("holderFilledPercent"))).as(out).isBetween(78, 89);
    // Every request of the worker that holds nothing was answered, by the one load of its code.
    assertThat(facts.get("innocentNon200")).as(out).isEqualTo("0");
    assertThat(facts.get("innocentInstances")).as(out).isEqualTo("1");
    // The holder was stopped: the heap came back, and the holder no longer holds anything.
    assertThat(facts.get("heapRelieved")).as(out).isEqualTo("true");
    assertThat(facts.get("holderStillHolds")).as(out).isEqualTo("false");
  }
}
