package dev.capmesh.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.testing.s3.S3TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An r2Bucket binding to a storage service with the s3 backend, end to end: a real runner over
 * real HTTP, a worker using {@code env.STORAGE}, and a real S3-compatible server (s3proxy, with
 * signature checks) on loopback.
 */
class S3BindingTest {
  private static final String KEY_ID = "AKIDBINDINGTEST00001";
  private static final String SECRET = "binding-test-secret-never-shown-to-workers";
  private static S3TestServer server;

  @TempDir Path dir;
  private Runner runner;
  private final Map<String, String> environment = new ConcurrentHashMap<>();

  @BeforeAll static void startServer() {
    server = S3TestServer.start(KEY_ID, SECRET);
    server.createBucket("photos");
  }

  @AfterAll static void stopServer() {
    server.close();
  }

  @AfterEach void stopRunner() {
    if (runner != null) {
      runner.close();
    }
  }

  private static final String WORKER = """
      export default {
        async fetch(request, env) {
          const path = new URL(request.url).pathname;
          try {
            if (path === '/put') {
              const o = await env.STORAGE.put('a/b.txt', 'hello s3', {
                httpMetadata: { contentType: 'text/plain' }, customMetadata: { owner: 'ann' } });
              return new Response(o.key + ' ' + o.size + ' ' + o.etag);
            }
            if (path === '/get') {
              const o = await env.STORAGE.get('a/b.txt');
              return new Response(o === null ? 'null'
                  : (await o.text()) + ' ' + o.httpMetadata.contentType + ' ' + o.customMetadata.owner);
            }
            if (path === '/range') {
              const o = await env.STORAGE.get('a/b.txt', { range: { offset: 6 } });
              return new Response(await o.text());
            }
            if (path === '/list') {
              const l = await env.STORAGE.list({ prefix: 'a/' });
              return new Response(l.objects.map((o) => o.key).join(','));
            }
            if (path === '/fetch') {
              const r = await env.STORAGE.fetch('/a/b.txt');
              return new Response(r.status + ' ' + (await r.text()));
            }
            if (path === '/delete') {
              await env.STORAGE.delete('a/b.txt');
              return new Response(String(await env.STORAGE.head('a/b.txt')));
            }
            if (path === '/inspect') {
              return new Response(JSON.stringify(env.STORAGE) + ' ' + String(env.STORAGE) + ' '
                  + Object.keys(env.STORAGE).join(','));
            }
          } catch (e) {
            return new Response('error: ' + e.message + '\\n' + e.stack, { status: 500 });
          }
          return new Response('no such path', { status: 404 });
        },
      };
      """;

  private void start() throws Exception {
    environment.put("S3_KEY", KEY_ID);
    environment.put("S3_SECRET", SECRET);
    String config = """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [
            (name = "main", worker = (modules = [(name = "w.js", esModule = WORKER)],
                compatibilityDate = "2024-09-01", bindings = [(name = "STORAGE", r2Bucket = "photos")])),
            (name = "photos", storage = (s3 = (endpoint = "ENDPOINT", region = "us-east-1",
                bucket = "photos", pathStyle = true, accessKeyIdEnv = "S3_KEY", secretAccessKeyEnv = "S3_SECRET"))),
          ],
          sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
        );
        """.replace("WORKER", capnpString(WORKER)).replace("ENDPOINT", server.endpoint().toString());
    var options = RunnerOptions.defaults(dir).withResources(ResourceOptions.defaults(dir)
        .withBackendTimeout(Duration.ofSeconds(60)).withEnvironment(environment::get));
    runner = Runner.start(TestRunners.plan(TestRunners.compile(dir, config)), options);
  }

  private static String capnpString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  @Test void aWorkerStoresReadsListsAndDeletesObjectsInS3() throws Exception {
    start();
    assertThat(TestRunners.get(runner, "http", "/put"))
        .isEqualTo("200 a/b.txt 8 " + md5Hex("hello s3"));
    assertThat(TestRunners.get(runner, "http", "/get")).isEqualTo("200 hello s3 text/plain ann");
    assertThat(TestRunners.get(runner, "http", "/range")).isEqualTo("200 s3");
    assertThat(TestRunners.get(runner, "http", "/list")).isEqualTo("200 a/b.txt");
    assertThat(TestRunners.get(runner, "http", "/fetch")).isEqualTo("200 200 hello s3");
    assertThat(TestRunners.get(runner, "http", "/delete")).isEqualTo("200 null");
    assertThat(TestRunners.get(runner, "http", "/get")).isEqualTo("200 null");
  }

  @Test void theWorkerNeverSeesTheCredentialsAndRotationNeedsNoRestart() throws Exception {
    start();
    String inspect = TestRunners.get(runner, "http", "/inspect");
    assertThat(inspect).startsWith("200 ").doesNotContain(SECRET).doesNotContain(KEY_ID);

    // The server now accepts only a new key: requests signed with the old one are refused, and
    // the error names the bucket and the cause, never a credential.
    server.rotateCredentials("AKIDBINDINGTEST00002", "the-rotated-secret-value-0002");
    try {
      String refused = TestRunners.get(runner, "http", "/put");
      assertThat(refused).startsWith("500 error: ").contains("photos")
          .doesNotContain(SECRET).doesNotContain("the-rotated-secret-value-0002");
      // The runner's environment gets the new key; the next request signs with it.
      environment.put("S3_KEY", "AKIDBINDINGTEST00002");
      environment.put("S3_SECRET", "the-rotated-secret-value-0002");
      assertThat(TestRunners.get(runner, "http", "/put")).isEqualTo("200 a/b.txt 8 " + md5Hex("hello s3"));
    } finally {
      server.rotateCredentials(KEY_ID, SECRET);
    }
  }

  private static String md5Hex(String s) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
