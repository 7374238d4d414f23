package dev.capmesh.runner.storage.s3;

import static dev.capmesh.runner.storage.s3.S3ObjectBackendTest.await;
import static dev.capmesh.runner.storage.s3.S3ObjectBackendTest.failure;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.proto.v1.S3Backend;
import dev.capmesh.runner.service.BodyStreams;
import dev.capmesh.runner.storage.Conditions;
import dev.capmesh.runner.storage.ObjectInfo;
import dev.capmesh.runner.storage.ObjectQuery;
import dev.capmesh.runner.storage.ObjectWrite;
import dev.capmesh.testing.s3.S3TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 backend when things go wrong: a server that stops, stalls, or refuses the key; keys that
 * rotate; credentials that are missing. Each test has its own server.
 */
class S3FailureTest {
  private static final String KEY_ID = "AKIDFAILURETEST001";
  private static final String SECRET = "failure-test-secret-that-must-not-leak";
  private static final String NEW_KEY_ID = "AKIDROTATEDKEY0002";
  private static final String NEW_SECRET = "rotated-secret-that-must-not-leak-either";

  @TempDir Path dir;
  private S3TestServer server;
  private S3ObjectBackend backend;

  @BeforeEach void start() {
    server = S3TestServer.start(KEY_ID, SECRET);
    server.createBucket("photos");
  }

  @AfterEach void stop() {
    if (backend != null) {
      backend.close();
    }
    server.close();
  }

  private S3Backend.Builder spec() {
    return S3Backend.newBuilder().setEndpoint(server.endpoint().toString()).setBucket("photos").setPathStyle(true);
  }

  private S3ObjectBackend withEnv(Map<String, String> env, Duration timeout) {
    return S3ObjectBackend.create(spec().setAccessKeyIdEnv("S3_KEY").setSecretAccessKeyEnv("S3_SECRET").build(),
        dir, env::get, timeout);
  }

  private static String everything(Throwable t) {
    var out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return t + "\n" + t.getMessage() + "\n" + out;
  }

  private static void assertNoSecret(Throwable t, String... secrets) {
    String all = everything(t);
    for (String s : secrets) {
      assertThat(all).doesNotContain(s);
    }
  }

  /** Polls until {@code call} succeeds, for up to 30 s. */
  private static <T> T eventually(java.util.concurrent.Callable<CompletionStage<T>> call) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return await(call.call());
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private static void writeCredentials(Path file, String id, String secret) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, "# rotated by the test\n[other]\naws_access_key_id = WRONG\n\n[default]\n"
        + "aws_access_key_id = " + id + "\naws_secret_access_key=" + secret + "\n");
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test void wrongSecretIsRefusedWithoutLeakingIt() throws Exception {
    String wrong = "a-wrong-secret-nobody-may-see";
    backend = withEnv(Map.of("S3_KEY", KEY_ID, "S3_SECRET", wrong), Duration.ofSeconds(5));
    Throwable e = failure(backend.get("k", Conditions.NONE, null));
    assertThat(e).isInstanceOf(S3BackendException.class)
        .hasMessageContaining("S3 bucket photos at " + server.endpoint())
        .hasMessageContaining("SignatureDoesNotMatch");
    assertNoSecret(e, wrong, SECRET, KEY_ID);
    Throwable p = failure(backend.put("k", BodyStreams.of("x".getBytes(UTF_8)), ObjectWrite.PLAIN, Conditions.NONE));
    assertThat(p).hasMessageContaining("SignatureDoesNotMatch");
    assertNoSecret(p, wrong, SECRET, KEY_ID);
    Throwable l = failure(backend.list(new ObjectQuery("", null, null, null, 10)));
    assertNoSecret(l, wrong, SECRET, KEY_ID);
    assertThat(backend.toString()).doesNotContain(wrong).doesNotContain(KEY_ID);
  }

  @Test void unknownKeyIsRefusedWithoutLeakingIt() throws Exception {
    backend = withEnv(Map.of("S3_KEY", "AKIDUNKNOWN0000099", "S3_SECRET", SECRET), Duration.ofSeconds(5));
    Throwable e = failure(backend.head("k"));
    assertThat(e).hasMessageContaining("photos").hasMessageContaining("HTTP 403");
    assertNoSecret(e, SECRET, "AKIDUNKNOWN0000099");
    Throwable g = failure(backend.get("k", Conditions.NONE, null));
    assertThat(g.getMessage()).containsAnyOf("InvalidAccessKeyId", "AccessDenied");
    assertNoSecret(g, SECRET, "AKIDUNKNOWN0000099");
  }

  @Test void missingEnvironmentVariablesAreNamed() throws Exception {
    var env = new HashMap<String, String>();
    backend = withEnv(env, Duration.ofSeconds(5));
    assertThat(failure(backend.get("k", Conditions.NONE, null)))
        .hasMessageContaining("S3_KEY").hasMessageContaining("not set").hasMessageContaining("photos");
    env.put("S3_KEY", KEY_ID);
    Throwable e = failure(backend.put("k", BodyStreams.of(new byte[] {1}), ObjectWrite.PLAIN, Conditions.NONE));
    assertThat(e).hasMessageContaining("S3_SECRET").hasMessageContaining("not set");
    assertNoSecret(e, KEY_ID);
    // Set at use time: no restart.
    env.put("S3_SECRET", SECRET);
    assertThat(await(backend.put("k", BodyStreams.of(new byte[] {1}), ObjectWrite.PLAIN, Conditions.NONE)).size())
        .isEqualTo(1);
  }

  @Test void missingOrIncompleteCredentialsFileIsNamed() throws Exception {
    Path file = dir.resolve("s3-credentials");
    backend = S3ObjectBackend.create(spec().setCredentialsFile("s3-credentials").build(), dir, v -> null,
        Duration.ofSeconds(5));
    Throwable e = failure(backend.head("k"));
    assertThat(e).hasMessageContaining("credentials file s3-credentials").hasMessageContaining("does not exist")
        .hasMessageNotContaining(dir.toString());
    Files.writeString(file, "[default]\naws_access_key_id = " + KEY_ID + "\n");
    Throwable e2 = failure(backend.head("k"));
    assertThat(e2).hasMessageContaining("aws_secret_access_key");
    assertNoSecret(e2, KEY_ID);
    Files.writeString(file, "[prod]\naws_access_key_id = " + KEY_ID + "\naws_secret_access_key = " + SECRET + "\n");
    assertThat(failure(backend.head("k"))).hasMessageContaining("[default]");
    writeCredentials(file, KEY_ID, SECRET);
    assertThat(eventually(() -> backend.head("k"))).isNull();
  }

  @Test void rotatedCredentialsFileIsUsedFromTheNextRequest() throws Exception {
    Path file = dir.resolve("credentials");
    writeCredentials(file, KEY_ID, SECRET);
    backend = S3ObjectBackend.create(spec().setCredentialsFile("credentials").build(), dir, v -> null,
        Duration.ofSeconds(5));
    ObjectInfo first = await(backend.put("k", BodyStreams.of("v1".getBytes(UTF_8)), ObjectWrite.PLAIN, Conditions.NONE));
    assertThat(first.size()).isEqualTo(2);

    // The server moves to a new key: the runner's old key is refused, by name of the cause.
    server.rotateCredentials(NEW_KEY_ID, NEW_SECRET);
    Throwable refused = failure(backend.get("k", Conditions.NONE, null));
    assertThat(refused).hasMessageContaining("photos").hasMessageContaining("403");
    assertNoSecret(refused, SECRET, KEY_ID, NEW_SECRET);

    // The operator rewrites the file; the very next request signs with the new key.
    writeCredentials(file, NEW_KEY_ID, NEW_SECRET);
    assertThat(S3ObjectBackendTest.text(await(backend.get("k", Conditions.NONE, null)))).isEqualTo("v1");
    await(backend.put("k", BodyStreams.of("v2".getBytes(UTF_8)), ObjectWrite.PLAIN, Conditions.NONE));

    // And the old key really is dead on the server: a client still holding it is refused.
    S3ObjectBackend stale = withEnv(Map.of("S3_KEY", KEY_ID, "S3_SECRET", SECRET), Duration.ofSeconds(5));
    try {
      assertThat(failure(stale.head("k"))).hasMessageContaining("403");
    } finally {
      stale.close();
    }

    // Rotating again, in place (same size, same inode), is seen too.
    server.rotateCredentials("AKIDROTATEDKEY0003", NEW_SECRET.replace('e', 'E'));
    Files.writeString(file, "[default]\naws_access_key_id = AKIDROTATEDKEY0003\naws_secret_access_key = "
        + NEW_SECRET.replace('e', 'E') + "\n");
    assertThat(S3ObjectBackendTest.text(await(backend.get("k", Conditions.NONE, null)))).isEqualTo("v2");
  }

  @Test void stoppedServerFailsNamingTheCauseAndRecovers() throws Exception {
    backend = withEnv(Map.of("S3_KEY", KEY_ID, "S3_SECRET", SECRET), Duration.ofSeconds(2));
    await(backend.put("k", BodyStreams.of("kept".getBytes(UTF_8)), ObjectWrite.PLAIN, Conditions.NONE));
    server.stop();
    Throwable e = failure(backend.get("k", Conditions.NONE, null));
    assertThat(e).hasMessageContaining("S3 bucket photos at " + server.endpoint())
        .hasMessageContaining("connection refused");
    assertThat(failure(backend.put("k2", new GeneratedBody(1 << 20, 64 << 10, true), ObjectWrite.PLAIN,
        Conditions.NONE))).hasMessageContaining("connection refused");
    assertThat(failure(backend.delete(java.util.List.of("k")))).hasMessageContaining("connection refused");
    var unread = new GeneratedBody(100, 10, true);
    assertThat(failure(backend.put("k", unread, ObjectWrite.PLAIN,
        new Conditions(java.util.List.of(), java.util.List.of("*"), null, null))))
        .hasMessageContaining("connection refused");
    assertThat(unread.cancelled).isTrue();
    server.start();
    ObjectInfo info = eventually(() -> backend.head("k"));
    assertThat(info.size()).isEqualTo(4);
    assertThat(S3ObjectBackendTest.text(await(backend.get("k", Conditions.NONE, null)))).isEqualTo("kept");
  }

  @Test void stalledServerTimesOutNamingTheTimeoutAndRecovers() throws Exception {
    backend = withEnv(Map.of("S3_KEY", KEY_ID, "S3_SECRET", SECRET), Duration.ofMillis(700));
    await(backend.put("k", BodyStreams.of("kept".getBytes(UTF_8)), ObjectWrite.PLAIN, Conditions.NONE));
    server.stall();
    try {
      Throwable e = failure(backend.get("k", Conditions.NONE, null));
      assertThat(e).hasMessageContaining("photos").hasMessageContaining("timeout").hasMessageContaining("700 ms");
      assertThat(failure(backend.head("k"))).hasMessageContaining("timeout");
      assertThat(failure(backend.put("k", BodyStreams.of("new".getBytes(UTF_8)), ObjectWrite.PLAIN,
          Conditions.NONE))).hasMessageContaining("timeout");
    } finally {
      server.release();
    }
    assertThat(S3ObjectBackendTest.text(eventually(() -> backend.get("k", Conditions.NONE, null))))
        .isIn("kept", "new");
  }

  @Test void pausesOfTheConsumerOrTheProducerAreNotTimeouts() throws Exception {
    backend = withEnv(Map.of("S3_KEY", KEY_ID, "S3_SECRET", SECRET), Duration.ofMillis(1000));
    // Warm up (a cold JVM and a busy machine can miss a short timeout on the first call).
    eventually(() -> backend.put("warm", BodyStreams.of(new byte[10]), ObjectWrite.PLAIN, Conditions.NONE));
    // A body whose producer pauses longer than the timeout (a worker relaying a slow client).
    var slowBody = new GeneratedBody(1 << 20, 64 << 10, true) {
      int reads;

      @Override public CompletionStage<java.nio.ByteBuffer> read() {
        if (reads++ == 3) {
          return java.util.concurrent.CompletableFuture.supplyAsync(() -> null,
              java.util.concurrent.CompletableFuture.delayedExecutor(2500, TimeUnit.MILLISECONDS))
              .thenCompose(x -> super.read());
        }
        return super.read();
      }
    };
    ObjectInfo info = await(backend.put("slow", slowBody, ObjectWrite.PLAIN, Conditions.NONE));
    assertThat(info.size()).isEqualTo(1 << 20);
    // A consumer that pauses longer than the timeout between reads.
    var read = eventually(() -> backend.get("slow", Conditions.NONE, null));
    long total = 0;
    int chunks = 0;
    for (java.nio.ByteBuffer b; (b = await(read.body().read())) != null; ) {
      total += b.remaining();
      if (chunks++ == 1) {
        Thread.sleep(2500); // a slow consumer, not synchronization
      }
    }
    assertThat(total).isEqualTo(1 << 20);
  }
}
