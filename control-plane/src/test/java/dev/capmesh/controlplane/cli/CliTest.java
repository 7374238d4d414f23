package dev.capmesh.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.plan.Planner;
import dev.capmesh.compiler.support.CompileReport;
import dev.capmesh.controlplane.ControlPlaneServer;
import dev.capmesh.controlplane.store.FileStore;
import dev.capmesh.controlplane.token.FleetTokens;
import dev.capmesh.proto.v1.AgentMessage;
import dev.capmesh.proto.v1.ControlPlaneGrpc;
import dev.capmesh.proto.v1.Hello;
import dev.capmesh.proto.v1.Nack;
import dev.capmesh.proto.v1.PlanUpdate;
import dev.capmesh.proto.v1.Ack;
import dev.capmesh.proto.v1.RunnerPlan;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  static final Path HELLO = Path.of("../samples/hello-world/config.capnp");
  static final String ADMIN = "the-admin-token-123";

  @TempDir Path dir;
  ControlPlaneServer server;
  final List<ManagedChannel> channels = new ArrayList<>();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void start() {
    server = ControlPlaneServer.builder(FileStore.open(dir.resolve("data")))
        .tokens(FleetTokens.of(Map.of("web", "web-token")))
        .adminToken(ADMIN)
        .tick(Duration.ofMillis(50))
        .start();
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.close();
  }

  int run(Map<String, String> env, String... args) {
    var main = new ControlPlaneMain(new PrintWriter(out, true), new PrintWriter(err, true), false, env);
    return main.run(args);
  }

  int run(String... args) {
    return run(Map.of("CAPMESH_ADMIN_TOKEN", ADMIN, "CAPMESH_SERVER", "127.0.0.1:" + server.port()), args);
  }

  /** A minimal agent: ACKs every update, or NACKs {@code refuse}. */
  void agent(String id, String refuse) {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    channels.add(ch);
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer web-token");
    var stub = ControlPlaneGrpc.newStub(ch).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    var requests = new CompletableFuture<StreamObserver<AgentMessage>>();
    StreamObserver<AgentMessage> r = stub.subscribe(new StreamObserver<PlanUpdate>() {
      @Override
      public void onNext(PlanUpdate u) {
        StreamObserver<AgentMessage> req = requests.join();
        synchronized (req) {
          req.onNext(u.getVersion().equals(refuse)
              ? AgentMessage.newBuilder().setNack(Nack.newBuilder().setNonce(u.getNonce())
                  .setVersion(u.getVersion()).setError("socket http: port 8080 is in use\nsecond line")).build()
              : AgentMessage.newBuilder().setAck(Ack.newBuilder().setNonce(u.getNonce())
                  .setVersion(u.getVersion())).build());
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
    requests.complete(r);
    synchronized (r) {
      r.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setFleet("web").setRunnerId(id)
          .setMaxPlanFormat(1)).build());
    }
    until(() -> server.connected("web") >= 1, "agent " + id + " connected");
  }

  static void until(BooleanSupplier c, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void pushWithConfigErrorsPrintsTheCheckErrorsAndUploadsNothing() throws Exception {
    Path bad = dir.resolve("bad.capnp");
    Files.writeString(bad, """
        using Workerd = import "/workerd/workerd.capnp";
        const config :Workerd.Config = (
          services = [ (name = "main", worker = .nope) ],
        );
        """);
    assertThat(run("push", bad.toString(), "--fleet", "web")).isEqualTo(ControlPlaneMain.REFUSED);
    var expected = new StringWriter();
    CompileReport.compileServable(bad, null, new PrintWriter(expected, true), "runner");
    assertThat(expected.toString()).contains("bad.capnp:3:").contains("error");
    assertThat(err.toString()).startsWith(expected.toString()).endsWith("control-plane: nothing was pushed\n");
    assertThat(out.toString()).doesNotContain("pushing");
    out.getBuffer().setLength(0);
    assertThat(run("history", "--fleet", "web")).isZero();
    assertThat(out.toString()).isEqualTo("fleet web: nothing pushed yet\n");
  }

  @Test
  void pushCompletesAndStatusAndHistoryShowIt() throws Exception {
    agent("r1", "");
    assertThat(run("push", HELLO.toString(), "--fleet", "web", "--canary", "50")).isZero();
    RunnerPlan plan = Planner.plan(ConfigCompiler.create().compile(HELLO, null));
    String v = plan.getVersion().substring(0, 12);
    assertThat(out.toString()).contains("pushing " + v + " (config.capnp) to fleet web")
        .contains("fleet web: " + v + ": wave, wave 1")
        .contains("  canary r1: acked")
        .contains("fleet web: " + v + ": completed");
    out.getBuffer().setLength(0);
    assertThat(run("status", "--fleet", "web")).isZero();
    assertThat(out.toString()).startsWith("fleet web: version " + v + ", last good " + v + "\n")
        .contains("  runner r1: online, version " + v);
    out.getBuffer().setLength(0);
    assertThat(run("history", "--fleet", "web")).isZero();
    assertThat(out.toString()).contains("  " + v + "  completed  config.capnp");
    assertThat(out.toString() + err).doesNotContain(ADMIN).doesNotContain("web-token");
  }

  @Test
  void pushThatIsNackedIsRolledBackWithExitStatus3() throws Exception {
    RunnerPlan plan = Planner.plan(ConfigCompiler.create().compile(HELLO, null));
    agent("r1", plan.getVersion());
    assertThat(run("push", HELLO.toString(), "--fleet", "web")).isEqualTo(ControlPlaneMain.ROLLED_BACK);
    assertThat(out.toString()).contains("canary r1: nacked: socket http: port 8080 is in use (...)")
        .contains(": rolled-back");
    err.getBuffer().setLength(0);
    assertThat(run("rollback", "--fleet", "web")).isEqualTo(ControlPlaneMain.REFUSED);
    assertThat(err.toString()).contains("FAILED_PRECONDITION").contains("--to VERSION");
  }

  @Test
  void wrongAdminTokenIsRefusedAndUnreachableIsExit2() {
    assertThat(run(Map.of("CAPMESH_ADMIN_TOKEN", "wrong"), "status", "--server",
        "127.0.0.1:" + server.port())).isEqualTo(ControlPlaneMain.REFUSED);
    assertThat(err.toString()).contains("UNAUTHENTICATED").doesNotContain("wrong\n");
    err.getBuffer().setLength(0);
    assertThat(run(Map.of(), "status", "--server", "127.0.0.1:1"))
        .isEqualTo(ControlPlaneMain.UNREACHABLE);
    assertThat(err.toString()).startsWith("control-plane: cannot reach the control plane at 127.0.0.1:1");
    assertThat(run(Map.of(), "push", HELLO.toString(), "--fleet", "web", "--server", "127.0.0.1:1"))
        .isEqualTo(ControlPlaneMain.UNREACHABLE);
  }

  @Test
  void usageErrorsAreExit2() {
    assertThat(run("push", HELLO.toString())).isEqualTo(ControlPlaneMain.USAGE);
    assertThat(err.toString()).contains("--fleet");
    assertThat(run("push", HELLO.toString(), "--fleet", "web", "--canary", "101"))
        .isEqualTo(ControlPlaneMain.USAGE);
    assertThat(run("status", "--server", "nonsense")).isEqualTo(ControlPlaneMain.USAGE);
  }

  @Test
  void serveRefusesADamagedStoreAndMissingTokens() throws Exception {
    Path data = dir.resolve("other");
    Files.createDirectories(data.resolve("fleets"));
    Files.writeString(data.resolve("fleets/web.json"), "{\"name\": \"web\", \"history\": [");
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "web=abc\n");
    assertThat(run(Map.of(), "serve", "--data", data.toString(), "--tokens", tokens.toString(),
        "--listen", "127.0.0.1:0")).isEqualTo(ControlPlaneMain.REFUSED);
    assertThat(err.toString()).contains("store file " + data.resolve("fleets/web.json")
        + " is damaged and cannot be read");
    err.getBuffer().setLength(0);
    assertThat(run(Map.of(), "serve", "--data", data.toString(), "--listen", "127.0.0.1:0"))
        .isEqualTo(ControlPlaneMain.USAGE);
    assertThat(err.toString()).contains("no fleets: give --tokens FILE");
    err.getBuffer().setLength(0);
    Files.writeString(tokens, "web abc\n");
    assertThat(run(Map.of(), "serve", "--data", data.toString(), "--tokens", tokens.toString()))
        .isEqualTo(ControlPlaneMain.USAGE);
    assertThat(err.toString()).contains("entry 1 is not fleet=token").doesNotContain("abc");
  }

  @Test
  void serveRunsUntilStopped() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# fleets\nweb=abc\n");
    var main = new ControlPlaneMain(new PrintWriter(out, true), new PrintWriter(err, true), false, Map.of());
    var code = CompletableFuture.supplyAsync(() -> main.run("serve", "--data",
        dir.resolve("served").toString(), "--tokens", tokens.toString(), "--listen", "127.0.0.1:0"));
    until(() -> out.toString().contains("listening on"), "serve to listen");
    assertThat(out.toString()).startsWith("control-plane: listening on 127.0.0.1:")
        .contains("fleets: web");
    main.serving.close();
    assertThat(code.get(20, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void serveWithTheRedisStore() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "web=abc\n");
    String prefix = "capmesh-test:" + java.util.UUID.randomUUID() + ":";
    var main = new ControlPlaneMain(new PrintWriter(out, true), new PrintWriter(err, true), false, Map.of());
    var code = CompletableFuture.supplyAsync(() -> main.run("serve", "--store",
        "redis://127.0.0.1:6379/0", "--key-prefix", prefix, "--tokens", tokens.toString(),
        "--listen", "127.0.0.1:0", "--instance-id", "cli-test"));
    until(() -> out.toString().contains("listening on"), "serve to listen");
    assertThat(out.toString()).contains("store: redis://127.0.0.1:6379/0 prefix \"" + prefix + "\"");
    String port = out.toString().replaceAll("(?s).*listening on 127\\.0\\.0\\.1:(\\d+).*", "$1");
    until(() -> main.serving.leader(), "the only instance to lead");
    assertThat(run(Map.of(), "push", HELLO.toString(), "--fleet", "web", "--server", "127.0.0.1:" + port))
        .isZero();
    main.serving.close();
    assertThat(code.get(20, TimeUnit.SECONDS)).isZero();
    err.getBuffer().setLength(0);
    assertThat(run(Map.of(), "serve", "--store", "redis://127.0.0.1:1/0", "--tokens", tokens.toString()))
        .isEqualTo(ControlPlaneMain.REFUSED);
    assertThat(err.toString()).contains("cannot reach the store at redis://127.0.0.1:1/0");
    dev.capmesh.controlplane.store.RedisStoreTest.deleteKeys(prefix);
  }
}
