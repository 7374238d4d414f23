package dev.capmesh.runner.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.runner.http.HttpServer;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.service.ServiceRequest;
import dev.capmesh.runner.service.ServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiskServiceTest {
  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private ExecutorService executor;

  @BeforeEach void layout() throws Exception {
    executor = Executors.newFixedThreadPool(2);
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "SECRET");
    Files.writeString(root.resolve("a.txt"), "hello a");
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(root.resolve("sub/b.json"), "{\"b\":1}");
    Files.writeString(root.resolve(".hidden"), "dot");
    Files.createSymbolicLink(root.resolve("link-out"), Path.of("../outside"));
    Files.createSymbolicLink(root.resolve("link-file"), Path.of("../outside/secret.txt"));
    Files.createSymbolicLink(root.resolve("link-in"), Path.of("a.txt"));
  }

  @AfterEach void stop() {
    executor.shutdownNow();
  }

  private DiskService disk(boolean writable, boolean dotfiles) {
    return new DiskService(root, writable, dotfiles, executor);
  }

  private static ServiceResponse call(DiskService disk, String method, String path, String body)
      throws Exception {
    var request = new ServiceRequest(method, "http://disk" + path, List.of(),
        body == null ? BodyStreams.empty() : BodyStreams.of(body.getBytes(StandardCharsets.UTF_8)), "t");
    return disk.fetch(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static String text(ServiceResponse r) throws Exception {
    return new String(BodyStreams.readAll(r.body(), 1 << 20).get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
  }

  private static String header(ServiceResponse r, String name) {
    return r.headers().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
        .findFirst().orElse(null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/../outside/secret.txt", "/%2e%2e/outside/secret.txt",
      "/..%2foutside%2fsecret.txt", "/%2E%2E%2Foutside%2Fsecret.txt", "/sub/..%5c..%5coutside%5csecret.txt",
      "/sub\\..\\..\\outside\\secret.txt", "/a.txt%00.png", "/link-out/secret.txt", "/link-file",
      "/.hidden", "/%2ehidden", "/sub/./../a.txt", "/%c0%ae%c0%ae/outside/secret.txt"})
  void escapesAreRefused(String path) throws Exception {
    var response = call(disk(true, false), "GET", path, null);
    assertThat(response.status()).isEqualTo(404);
    assertThat(text(response)).doesNotContain("SECRET");
  }

  @Test void escapesAreRefusedOverRealHttpToo() throws Exception {
    var server = HttpServer.builder().ioThreads(1).service(disk(false, false)).build();
    InetSocketAddress address = server.start();
    try {
      for (String target : List.of("/../outside/secret.txt", "/sub/../../outside/secret.txt",
          "/%2e%2e/outside/secret.txt", "/link-out/secret.txt")) {
        try (var socket = new Socket(address.getAddress(), address.getPort())) {
          socket.setSoTimeout(5000);
          socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          String reply = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
          assertThat(reply).as(target).startsWith("HTTP/1.1 404").doesNotContain("SECRET");
        }
      }
    } finally {
      server.close();
    }
  }

  private static byte[] readAll(InputStream in) throws Exception {
    var out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  @Test void readsFilesWithTypeLengthAndInRootSymlinks() throws Exception {
    var disk = disk(false, false);
    var a = call(disk, "GET", "/a.txt?ignored=1", null);
    assertThat(a.status()).isEqualTo(200);
    assertThat(header(a, "content-type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(header(a, "last-modified")).endsWith("GMT");
    assertThat(a.body().knownLength()).isEqualTo(7);
    assertThat(text(a)).isEqualTo("hello a");
    assertThat(header(call(disk, "GET", "/sub/b.json", null), "content-type")).isEqualTo("application/json");
    assertThat(text(call(disk, "GET", "/link-in", null))).isEqualTo("hello a");
    var head = call(disk, "HEAD", "/a.txt", null);
    assertThat(head.body().knownLength()).isEqualTo(7);
    assertThat(text(head)).isEmpty();
    assertThat(call(disk, "GET", "/missing.txt", null).status()).isEqualTo(404);
  }

  @Test void dotfilesAreServedOnlyWhenAllowed() throws Exception {
    assertThat(text(call(disk(false, true), "GET", "/.hidden", null))).isEqualTo("dot");
    assertThat(call(disk(false, false), "GET", "/.hidden", null).status()).isEqualTo(404);
  }

  @Test void directoriesListAsWorkerdDoes() throws Exception {
    var listing = call(disk(false, false), "GET", "/", null);
    assertThat(header(listing, "content-type")).isEqualTo("application/json");
    assertThat(text(listing)).isEqualTo("[{\"name\":\"a.txt\",\"type\":\"file\"},"
        + "{\"name\":\"link-file\",\"type\":\"symlink\"},{\"name\":\"link-in\",\"type\":\"symlink\"},"
        + "{\"name\":\"link-out\",\"type\":\"symlink\"},{\"name\":\"sub\",\"type\":\"directory\"}]");
    assertThat(text(call(disk(false, true), "GET", "/", null))).contains("\".hidden\"");
  }

  @Test void writablePutThenGetRoundTripsAndDeleteRemoves() throws Exception {
    var disk = disk(true, false);
    assertThat(call(disk, "PUT", "/new/dir/c.txt", "fresh bytes").status()).isEqualTo(204);
    assertThat(text(call(disk, "GET", "/new/dir/c.txt", null))).isEqualTo("fresh bytes");
    assertThat(call(disk, "PUT", "/new/dir/c.txt", "replaced").status()).isEqualTo(204);
    assertThat(text(call(disk, "GET", "/new/dir/c.txt", null))).isEqualTo("replaced");
    assertThat(call(disk, "DELETE", "/new/dir/c.txt", null).status()).isEqualTo(204);
    assertThat(call(disk, "GET", "/new/dir/c.txt", null).status()).isEqualTo(404);
    assertThat(call(disk, "DELETE", "/new/dir/c.txt", null).status()).isEqualTo(404);
    try (var files = Files.list(root.resolve("new/dir"))) {
      assertThat(files).as("no temporary files left").isEmpty();
    }
  }

  @Test void readOnlyDiskRefusesWritesWith405() throws Exception {
    var disk = disk(false, false);
    assertThat(call(disk, "PUT", "/a.txt", "overwrite").status()).isEqualTo(405);
    assertThat(call(disk, "DELETE", "/a.txt", null).status()).isEqualTo(405);
    assertThat(call(disk, "POST", "/a.txt", "x").status()).isEqualTo(501);
    assertThat(Files.readString(root.resolve("a.txt"))).isEqualTo("hello a");
  }

  @Test void writesCannotEscapeEither() throws Exception {
    var disk = disk(true, false);
    for (String path : List.of("/../outside/evil.txt", "/..%2foutside%2fevil.txt",
        "/link-out/evil.txt", "/.evil", "/", "/sub\\..\\..\\outside\\evil.txt")) {
      assertThat(call(disk, "PUT", path, "evil").status()).as(path).isEqualTo(403);
    }
    assertThat(call(disk, "DELETE", "/link-out/secret.txt", null).status()).isEqualTo(404);
    // PUT over an in-root symlink replaces the link itself, never the file it points to.
    assertThat(call(disk, "PUT", "/link-file", "not secret").status()).isEqualTo(204);
    assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("SECRET");
    assertThat(Files.isSymbolicLink(root.resolve("link-file"))).isFalse();
    try (var files = Files.list(outside)) {
      assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("secret.txt");
    }
  }
}
