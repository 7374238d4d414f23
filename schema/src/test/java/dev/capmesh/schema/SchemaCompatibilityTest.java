package dev.capmesh.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks that capmesh.capnp lays out messages exactly like workerd's schema.
 *
 * <p>Both sides go through {@code scripts/schema-layout.sh}, which asks the real {@code capnp}
 * compiler for every struct size, slot, default and union tag. workerd's listing is the
 * committed golden file {@code workerd-layout.txt}; ours is computed on every run.
 */
class SchemaCompatibilityTest {

  private static final String GLOBAL_OUTBOUND_WORKERD =
      "Worker field globalOutbound @6 :ServiceDesignator"
          + " = (name = \"internet\", props = (empty = void)) | ptr[4]";
  private static final String GLOBAL_OUTBOUND_CAPMESH =
      "Worker field globalOutbound @6 :ServiceDesignator | ptr[4]";

  /** Listing lines that only capmesh's extensions may add. */
  private static final List<String> EXTENSION_PREFIXES =
      List.of(
          "KvNamespaceService ",
          "KvNamespaceService.",
          "StorageService ",
          "StorageService.",
          "Service.(union) field kv @8 :KvNamespaceService ",
          "Service.(union) field storage @9 :StorageService ",
          "Worker.Binding.(union) field secret @29 :Text ");

  private static Path repoRoot;
  private static Path schemaFile;
  private static List<String> ours;
  private static List<String> workerd;

  @BeforeAll
  static void computeListings() throws Exception {
    repoRoot = findRepoRoot();
    schemaFile = repoRoot.resolve("schema/src/main/resources/capmesh/capmesh.capnp");
    requireCapnp();
    ours = layout(schemaFile);
    try (InputStream in = resource("/workerd-layout.txt")) {
      workerd = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void everyWorkerdLineIsPresentInOurs() {
    Set<String> expected = new LinkedHashSet<>(workerd);
    assertThat(expected).contains(GLOBAL_OUTBOUND_WORKERD);
    expected.remove(GLOBAL_OUTBOUND_WORKERD);
    assertThat(ours).containsAll(expected);
  }

  @Test
  void globalOutboundHasNoDefault() {
    assertThat(ours).contains(GLOBAL_OUTBOUND_CAPMESH).doesNotContain(GLOBAL_OUTBOUND_WORKERD);
  }

  @Test
  void extraLinesAreOnlyCapmeshExtensions() {
    List<String> extra = new ArrayList<>(ours);
    extra.removeAll(workerd);
    extra.remove(GLOBAL_OUTBOUND_CAPMESH);
    assertThat(extra)
        .isNotEmpty()
        .allSatisfy(
            line -> assertThat(EXTENSION_PREFIXES).anySatisfy(p -> assertThat(line).startsWith(p)));
  }

  @Test
  void extensionsAreAllPresent() {
    assertThat(ours)
        .contains(
            "Service.(union) field kv @8 :KvNamespaceService | ptr[1], union tag = 7",
            "Service.(union) field storage @9 :StorageService | ptr[1], union tag = 8",
            "Worker.Binding.(union) field secret @29 :Text | ptr[1], union tag = 22",
            "KvNamespaceService.(union).embedded group union tag = 0",
            "StorageService.(union).embedded group union tag = 0");
  }

  @Test
  void schemaIsPackagedAndNeedsNoCxxSupport() throws IOException {
    try (InputStream in = resource("/capmesh/capmesh.capnp")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(text).isEqualTo(Files.readString(schemaFile));
      assertThat(text).doesNotContain("c++.capnp").doesNotContain("$Cxx");
    }
  }

  private static InputStream resource(String name) {
    InputStream in = SchemaCompatibilityTest.class.getResourceAsStream(name);
    assertThat(in).as("class path resource %s", name).isNotNull();
    return in;
  }

  private static Path findRepoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("scripts/schema-layout.sh"))) {
        return d;
      }
    }
    throw new IllegalStateException("scripts/schema-layout.sh not found above " + dir);
  }

  private static void requireCapnp() throws InterruptedException {
    try {
      Process p = new ProcessBuilder("capnp", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return;
      }
    } catch (IOException e) {
      // fall through to the failure below
    }
    fail("the capnp tool is not on PATH: install capnproto (apt-get install -y capnproto)");
  }

  private static List<String> layout(Path schema) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("bash", repoRoot.resolve("scripts/schema-layout.sh").toString(),
                schema.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("schema-layout.sh finished").isTrue();
    assertThat(p.exitValue()).as("schema-layout.sh exit code").isZero();
    return new String(out, StandardCharsets.UTF_8).lines().toList();
  }
}
