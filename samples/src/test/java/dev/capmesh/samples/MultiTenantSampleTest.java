package dev.capmesh.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * samples/multi-tenant through the real {@code bin/runner serve}: each customer's worker reaches
 * its own bucket and KV namespace and nothing of the other customer's, whatever key it asks for.
 */
class MultiTenantSampleTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
  @TempDir Path data;

  private static HttpResponse<String> send(ServedRunner runner, String tenant, String method, String path,
      String body) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.ports.get(tenant) + path))
        .timeout(Duration.ofSeconds(30)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<Path> files(String dir) throws Exception {
    try (Stream<Path> s = Files.walk(data.resolve(dir))) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void aTenantSeesOnlyItsOwnObjectsAndSettings() throws Exception {
    Path config = ServedRunner.ROOT.resolve("samples/multi-tenant/config.capnp");
    try (var runner = ServedRunner.serve(config, List.of("acme", "globex"), "--data-dir", data.toString())) {
      assertThat(send(runner, "acme", "GET", "/whoami", null).body()).as(runner.output()).isEqualTo("acme\n");
      assertThat(send(runner, "globex", "GET", "/whoami", null).body()).isEqualTo("globex\n");

      HttpResponse<String> put = send(runner, "acme", "PUT", "/files/reports/q3.txt", "acme's numbers");
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      assertThat(send(runner, "acme", "GET", "/files/reports/q3.txt", null).body()).isEqualTo("acme's numbers");
      assertThat(send(runner, "acme", "PUT", "/settings/theme", "dark").statusCode()).isEqualTo(200);

      // globex asks for the same names, and for every way out of its own bucket it can spell.
      for (String path : List.of("/files/reports/q3.txt", "/files/..%2Facme-files%2Freports%2Fq3.txt",
          "/files/%2e%2e%2f%2e%2e%2fstorage%2Facme-files%2Freports%2Fq3.txt", "/files/%2Fetc%2Fpasswd",
          "/files/" + "..%2F".repeat(12) + "acme-files")) {
        HttpResponse<String> r = send(runner, "globex", "GET", path, null);
        assertThat(r.statusCode()).as(path).isEqualTo(404);
        assertThat(r.body()).doesNotContain("acme");
      }
      assertThat(send(runner, "globex", "GET", "/files", null).body()).isEqualTo("[]");
      assertThat(send(runner, "globex", "GET", "/settings/theme", null).statusCode()).isEqualTo(404);

      // A write under a traversing key lands in globex's own bucket, as a key like any other.
      List<Path> acmeBefore = files("storage/acme-files");
      assertThat(send(runner, "globex", "PUT", "/files/..%2Facme-files%2Freports%2Fq3.txt", "globex was here")
          .statusCode()).isEqualTo(200);
      assertThat(send(runner, "globex", "GET", "/files", null).body()).isEqualTo("[\"../acme-files/reports/q3.txt\"]");
      assertThat(send(runner, "acme", "GET", "/files/reports/q3.txt", null).body()).isEqualTo("acme's numbers");
      assertThat(send(runner, "acme", "GET", "/files", null).body()).isEqualTo("[\"reports/q3.txt\"]");
      assertThat(files("storage/acme-files")).isEqualTo(acmeBefore);
      assertThat(send(runner, "globex", "PUT", "/settings/theme", "light").statusCode()).isEqualTo(200);
      assertThat(send(runner, "acme", "GET", "/settings/theme", null).body()).isEqualTo("dark");
    }
    assertThat(data.resolve("storage/acme-files/objects")).isDirectory();
    assertThat(data.resolve("storage/globex-files/objects")).isDirectory();
    assertThat(data.resolve("kv/acme-settings/kv.mv.db")).exists();
  }
}
