package dev.capmesh.runner.kv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.SslOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://}: a real redis-server with TLS (a certificate for 127.0.0.1 signed by a CA the
 * test makes with openssl), reached with the CA trusted, and refused without it.
 */
class RedisTlsKvTest {
  @TempDir static Path dir;
  static Process server;
  static int port;
  static ClientResources resources;

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
  }

  @BeforeAll static void startTlsRedis() throws Exception {
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-days", "2", "-subj", "/CN=capmesh test CA");
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1");
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
    run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.crt", "-days", "2", "-extfile", "san.ext");
    port = RedisServerProcess.freePort();
    server = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", String.valueOf(port),
        "--bind", "127.0.0.1", "--tls-cert-file", "server.crt", "--tls-key-file", "server.key",
        "--tls-ca-cert-file", "ca.crt", "--tls-auth-clients", "no", "--save", "", "--appendonly", "no")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (var s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        break;
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !server.isAlive()) {
          throw new IllegalStateException("redis-server with TLS did not start: "
              + Files.readString(dir.resolve("redis.log")), e);
        }
        Thread.sleep(20);
      }
    }
    resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
  }

  @AfterAll static void stop() throws Exception {
    resources.shutdown(0, 1, TimeUnit.SECONDS);
    server.destroyForcibly();
    server.waitFor(20, TimeUnit.SECONDS);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static KvNamespace namespace(KvBackend b) {
    return new KvNamespace(b, MutableClock.now(), Duration.ofSeconds(5), UnaryOperator.identity());
  }

  @Test void rediss_connectsOverTlsWhenTheCaIsTrusted() throws Exception {
    SslOptions trust = SslOptions.builder().jdkSslProvider().trustManager(dir.resolve("ca.crt").toFile()).build();
    try (var b = new RedisKv(resources, "rediss://127.0.0.1:" + port, "tls:", null, v -> null,
        Duration.ofSeconds(5), trust)) {
      KvNamespace ns = namespace(b);
      await(ns.put("k", "over tls".getBytes(UTF_8), null, null, "{\"a\":1}"));
      assertThat(new String(await(ns.get("k", null)).value(), UTF_8)).isEqualTo("over tls");
      assertThat(await(ns.list(null, null, null)).keys()).extracting(KvPage.Key::name).containsExactly("k");
      assertThat(b.describe()).isEqualTo("Redis 127.0.0.1:" + port);
    }
  }

  @Test void rediss_refusesAServerItCannotVerify() throws Exception {
    // The JDK's trusted CAs do not include the test's CA: the handshake fails, and says so.
    try (var b = new RedisKv(resources, "rediss://127.0.0.1:" + port, "tls:", null, v -> null,
        Duration.ofSeconds(5))) {
      try {
        await(namespace(b).get("k", null));
        throw new AssertionError("an unverifiable server was accepted");
      } catch (ExecutionException e) {
        assertThat(e.getCause().getMessage()).contains("Redis 127.0.0.1:" + port);
      }
    }
  }

  @Test void plainRedisUrlDoesNotTalkToATlsPort() throws Exception {
    try (var b = new RedisKv(resources, "redis://127.0.0.1:" + port, "tls:", null, v -> null, Duration.ofSeconds(2))) {
      try {
        await(namespace(b).get("k", null));
        throw new AssertionError("plain text reached a TLS port");
      } catch (ExecutionException e) {
        assertThat(e.getCause().getMessage()).contains("Redis 127.0.0.1:" + port);
      }
    }
  }

  @Test void clusterUrlsMayUseTls() {
    // Parsing only: both nodes TLS is accepted; the scheme is checked for all seeds.
    try (var b = new RedisKv(resources, "rediss://127.0.0.1:1,rediss://127.0.0.1:2", "p", null, v -> null,
        Duration.ofSeconds(1))) {
      assertThat(b.describe()).isEqualTo("Redis cluster 127.0.0.1:1,127.0.0.1:2");
    }
  }
}
