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

/**
 * An idle worker holding most of the heap must not make other workers fail: the holder is
 * stopped. Runs {@link MemoryHolderMain} in a child JVM with a 256 MiB heap and the same JVM
 * options (Graal JIT) as this one.
 */
class JsMemoryIsolationTest {

  @Test void theWorkerHoldingTheHeapIsStoppedNotTheOneServing() throws Exception {
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
    assertThat(child.exitValue()).as(output.toString()).isZero();
    assertThat(facts).as(output.toString()).containsKey("holderFilled");
    // Every request of the worker that holds nothing was answered.
    assertThat(facts.get("innocentNon200")).as(output.toString()).isEqualTo("0");
    assertThat(facts.get("innocentLoads")).as(output.toString()).isEqualTo("1");
    // The holder was stopped.
    assertThat(facts.get("holderLiveContexts")).as(output.toString()).isEqualTo("0");
    assertThat(Integer.parseInt(facts.get("stoppedForMemory"))).as(output.toString()).isPositive();
  }
}
