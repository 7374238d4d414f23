package dev.capmesh.runner.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Symlinks inside a disk service's root: nothing is created, written, read or deleted outside
 * the root through them, and a dotfile stays hidden when a link points at it.
 */
class DiskServiceSymlinkTest {
  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private ExecutorService executor;

  @BeforeEach void layout() throws Exception {
    executor = Executors.newFixedThreadPool(2);
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "SECRET");
    Files.writeString(root.resolve(".env"), "TOKEN=dot");
    Files.createDirectories(root.resolve(".git"));
    Files.writeString(root.resolve(".git/config"), "[core] dot");
    Files.createDirectories(root.resolve("pub"));
    Files.writeString(root.resolve("pub/ok.txt"), "ok");
    Files.createSymbolicLink(root.resolve("out"), Path.of("../outside"));
    Files.createSymbolicLink(root.resolve("pub/up"), Path.of("../../outside"));
    Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("not-yet"));
    Files.createSymbolicLink(root.resolve("env-link"), Path.of(".env"));
    Files.createSymbolicLink(root.resolve("git-link"), Path.of(".git"));
    Files.createSymbolicLink(root.resolve("pub/deep-env"), Path.of("../.env"));
    Files.createSymbolicLink(root.resolve("pub-link"), Path.of("pub"));
  }

  @AfterEach void stop() {
    executor.shutdownNow();
  }

  private ServiceResponse call(boolean dotfiles, String method, String path, String body) throws Exception {
    var disk = new DiskService(root, true, dotfiles, executor);
    var request = new ServiceRequest(method, "http://disk" + path, List.of(),
        body == null ? BodyStreams.empty() : BodyStreams.of(body.getBytes(StandardCharsets.UTF_8)), "t");
    return disk.fetch(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String text(ServiceResponse r) throws Exception {
    return new String(BodyStreams.readAll(r.body(), 1 << 20).get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
  }

  private List<String> outsideTree() throws Exception {
    try (Stream<Path> s = Files.walk(outside)) {
      return s.map(p -> outside.relativize(p).toString()).sorted().toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/out/a/b/evil.txt", "/out/evil.txt", "/pub/up/x/y/evil.txt",
      "/pub-link/up/z/evil.txt", "/dangling/evil.txt", "/dangling/d/evil.txt", "/out/a/"})
  void putThroughALinkToOutsideCreatesNothingOutside(String path) throws Exception {
    List<String> before = outsideTree();
    assertThat(call(false, "PUT", path, "evil").status()).as(path).isEqualTo(403);
    assertThat(outsideTree()).as("outside after PUT %s", path).isEqualTo(before);
    assertThat(Files.exists(outside.resolve("not-yet"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/env-link", "/git-link/config", "/git-link", "/pub/deep-env",
      "/pub-link/deep-env"})
  void aDotfileIsNotServedThroughALink(String path) throws Exception {
    var response = call(false, "GET", path, null);
    assertThat(response.status()).as(path).isEqualTo(404);
    assertThat(text(response)).doesNotContain("dot");
  }

  @Test void withAllowDotfilesTheSameLinksServe() throws Exception {
    assertThat(text(call(true, "GET", "/env-link", null))).isEqualTo("TOKEN=dot");
    assertThat(text(call(true, "GET", "/git-link/config", null))).isEqualTo("[core] dot");
  }

  @Test void writesAndDeletesThroughALinkToADotDirectoryAreRefused() throws Exception {
    assertThat(call(false, "PUT", "/git-link/hooks/evil", "x").status()).isEqualTo(403);
    assertThat(Files.exists(root.resolve(".git/hooks"))).isFalse();
    assertThat(call(false, "DELETE", "/git-link/config", null).status()).isEqualTo(404);
    assertThat(Files.readString(root.resolve(".git/config"))).isEqualTo("[core] dot");
  }

  @Test void linksThatStayInsideStillWork() throws Exception {
    assertThat(text(call(false, "GET", "/pub-link/ok.txt", null))).isEqualTo("ok");
    assertThat(call(false, "PUT", "/pub-link/new/n.txt", "new").status()).isEqualTo(204);
    assertThat(Files.readString(root.resolve("pub/new/n.txt"))).isEqualTo("new");
    assertThat(call(false, "DELETE", "/pub-link/new/n.txt", null).status()).isEqualTo(204);
    assertThat(Files.exists(root.resolve("pub/new/n.txt"))).isFalse();
  }

  @Test void deleteThroughALinkToOutsideLeavesOutsideAlone() throws Exception {
    assertThat(call(false, "DELETE", "/out/secret.txt", null).status()).isEqualTo(404);
    assertThat(call(false, "DELETE", "/pub/up", null).status()).isEqualTo(204);
    assertThat(Files.exists(root.resolve("pub/up"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(outsideTree()).contains("secret.txt");
  }
}
