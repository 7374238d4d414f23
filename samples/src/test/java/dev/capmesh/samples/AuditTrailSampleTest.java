package dev.capmesh.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * samples/audit-trail through the real CLI: {@code serve --audit-log} writes a line per binding
 * use, {@code audit verify} accepts the log and catches an edit, {@code capabilities --usage}
 * flags the grant never used.
 */
class AuditTrailSampleTest {
  @TempDir Path dir;

  /** Runs {@code bin/runner ARGS}; returns [exit code, output]. */
  private static Object[] cli(String... args) throws Exception {
    var command = new ArrayList<>(List.of(ServedRunner.ROOT.resolve("bin/runner").toString()));
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CAPMESH_NO_BUILD", "1");
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes());
    return new Object[] {p.waitFor(), output};
  }

  @Test
  void servedRequestsAreAuditedVerifiedAndReported() throws Exception {
    Path config = ServedRunner.ROOT.resolve("samples/audit-trail/config.capnp");
    Path log = dir.resolve("audit.log");
    var ids = new ArrayList<String>();
    try (var runner = ServedRunner.serve(config, List.of("http"), "--data-dir", dir.resolve("data").toString(),
        "--audit-log", log.toString(), "--runner-id", "sample-1")) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = runner.get("http", "/");
        assertThat(r.body()).isEqualTo("widget: 10 EUR\n");
        ids.add(r.headers().firstValue("x-request-id").orElseThrow());
      }
      assertThat(Files.readString(runner.stdout)).contains("  audit log: " + log);
      runner.interrupt(); // SIGTERM: drains, then closes the log with its checkpoint
    }
    List<String> lines = Files.readAllLines(log);
    for (String id : ids) {
      assertThat(lines.stream().filter(l -> l.contains("\"requestId\":\"" + id + "\""))).hasSize(2);
    }
    assertThat(lines.get(lines.size() - 1)).contains("\"event\":\"close\"");
    assertThat(lines).allSatisfy(l -> assertThat(l).contains("\"runner\":\"sample-1\""));

    Object[] verify = cli("audit", "verify", log.toString(), dir.resolve("audit.log.checkpoint").toString());
    assertThat(verify[0]).as((String) verify[1]).isEqualTo(0);
    assertThat((String) verify[1]).startsWith("audit: intact: " + lines.size() + " lines in 1 file");

    Object[] usage = cli("capabilities", "--usage", log.toString(), config.toString());
    assertThat(usage[0]).as((String) usage[1]).isEqualTo(0);
    assertThat((String) usage[1])
        .containsPattern("(?m)^  FLAGS +kvNamespace -> kv \"flags\" +3 uses: get 3; last ")
        .containsPattern("(?m)^  PRICES +service -> worker \"prices\" entrypoint Prices +3 uses: rpc 3; last ")
        .containsPattern("(?m)^  ARCHIVE +kvNamespace -> kv \"flags\" +UNUSED -> candidate to remove$");

    // One changed byte is found and named.
    String third = lines.get(2);
    lines.set(2, third.replace("\"op\":\"get\"", "\"op\":\"put\""));
    Files.write(log, lines);
    Object[] tampered = cli("audit", "verify", log.toString());
    assertThat(tampered[0]).as((String) tampered[1]).isEqualTo(1);
    assertThat((String) tampered[1]).contains(log + ":3 (seq 3): edited: the line does not match its hash");
  }
}
