package dev.capmesh.runner.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capmesh.runner.service.BodyStreams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on {@link EmbeddedObjectBackend}, and what its directory looks like. */
class EmbeddedObjectBackendTest extends ObjectBackendContract {
  @TempDir Path dir;
  private final ExecutorService io = Executors.newFixedThreadPool(3);

  @Override protected ObjectBackend newBackend() throws Exception {
    return EmbeddedObjectBackend.open(dir.resolve("store"), io, Clock.systemUTC(), "the embedded object store");
  }

  @AfterEach void stopIo() {
    io.shutdownNow();
  }

  private List<Path> files() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void objectsLiveUnderHashedNamesInsideTheDirectoryOnly() throws Exception {
    put("../../escape", "x".getBytes(UTF_8));
    put("/etc/passwd", "y".getBytes(UTF_8));
    put("plain-name.txt", "z".getBytes(UTF_8));
    Path store = dir.resolve("store").toRealPath();
    for (Path f : files()) {
      assertThat(f.toRealPath()).startsWith(store);
      String name = f.getFileName().toString();
      assertThat(name).doesNotContain("escape").doesNotContain("passwd").doesNotContain("plain");
      assertThat(name).matches("lock|[0-9a-f]{64}\\.meta|[0-9a-f]{64}\\.[0-9a-f]{32}\\.data");
    }
    // One meta and one data file per object: a rewrite removed the old data file.
    put("plain-name.txt", "zz".getBytes(UTF_8));
    assertThat(files()).hasSize(1 + 3 * 2);
  }

  @Test
  void objectsSurviveAReopenAndWhatInterruptedWritesLeftIsRemoved() throws Exception {
    put("kept", "v".getBytes(UTF_8));
    await(backend.put("meta", BodyStreams.of("m".getBytes(UTF_8)),
        new ObjectWrite(Map.of("contentType", "text/x"), Map.of("a", "b"), Map.of()), Conditions.NONE));
    ObjectInfo before = await(backend.head("meta"));
    backend.close();
    // What a kill during a write leaves: a data file no meta names, a temporary meta file.
    Path shard = Files.list(dir.resolve("store/objects")).findFirst().orElseThrow();
    Path orphan = shard.resolve("ab".repeat(32) + "." + "cd".repeat(16) + ".data");
    Path temp = shard.resolve(".tmp-" + "ef".repeat(16));
    Files.write(orphan, new byte[100]);
    Files.write(temp, "{".getBytes(UTF_8));
    backend = newBackend();
    assertThat(new String(get("kept"), UTF_8)).isEqualTo("v");
    assertThat(await(backend.head("meta"))).isEqualTo(before);
    assertThat(orphan).doesNotExist();
    assertThat(temp).doesNotExist();
    assertThat(await(backend.list(new ObjectQuery("", null, null, null, 10))).objects()).hasSize(2);
  }

  @Test
  void aDirectoryIsOpenInOneStoreAtATime() {
    assertThatThrownBy(this::newBackend).hasMessageContaining("has the object store in");
  }

  @Test
  void aReadOnlyStoreReadsAndRefusesWrites() throws Exception {
    put("k", "v".getBytes(UTF_8));
    backend.close();
    backend = EmbeddedObjectBackend.openReadOnly(dir.resolve("store"), io, Clock.systemUTC(),
        "the object store in disk service \"ro\"", "disk service \"ro\" is not writable");
    assertThat(new String(get("k"), UTF_8)).isEqualTo("v");
    var body = new Chunks("x".getBytes(UTF_8), 1);
    Throwable e = failure(backend.put("k2", body, ObjectWrite.PLAIN, Conditions.NONE));
    assertThat(e).isInstanceOf(ObjectStoreException.class).hasMessage("disk service \"ro\" is not writable");
    assertThat(body.cancelled).isTrue();
    assertThat(failure(backend.delete(List.of("k")))).hasMessage("disk service \"ro\" is not writable");
    assertThat(await(backend.head("k"))).isNotNull();

    var absent = EmbeddedObjectBackend.openReadOnly(dir.resolve("nothing-here"), io, Clock.systemUTC(),
        "the object store in disk service \"ro\"", "not writable");
    assertThat(await(absent.list(new ObjectQuery("", null, null, null, 10))).objects()).isEmpty();
    assertThat(await(absent.head("k"))).isNull();
    assertThat(dir.resolve("nothing-here")).doesNotExist();
    absent.close();
  }

  @Test
  void failuresNameTheStoreAndNoPath() throws Exception {
    put("k", "v".getBytes(UTF_8));
    // The data file vanishes under the store (a hand-made mess): the error says what, not where.
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".data")).toList()) {
        Files.delete(f);
      }
    }
    Throwable e = failure(backend.get("k", Conditions.NONE, null));
    assertThat(e).isInstanceOf(ObjectStoreException.class).hasMessageStartingWith("the embedded object store: get failed");
    assertThat(e.getMessage()).doesNotContain(dir.toString()).doesNotContain(".data");
  }

  @Test
  void utf8OrderHelpers() {
    assertThat(ObjectKeys.compareUtf8("\uFFFD", "😀")).isNegative();
    assertThat("\uFFFD".compareTo("😀")).isPositive(); // why the helper exists
    assertThat(ObjectKeys.compareUtf8("a", "ab")).isNegative();
    assertThat(ObjectKeys.successor("a/")).isEqualTo("a0");
    assertThat(ObjectKeys.successor("a\uD7FF")).isEqualTo("a\uE000");
    assertThat(ObjectKeys.successor("a" + new String(Character.toChars(Character.MAX_CODE_POINT))))
        .isEqualTo("b");
    assertThat(ObjectKeys.successor(new String(Character.toChars(Character.MAX_CODE_POINT)))).isNull();
  }
}
