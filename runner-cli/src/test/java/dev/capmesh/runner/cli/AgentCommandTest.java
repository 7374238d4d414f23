package dev.capmesh.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.AgentMessage;
import dev.capmesh.proto.v1.ControlPlaneGrpc;
import dev.capmesh.proto.v1.Hello;
import dev.capmesh.proto.v1.HttpSocket;
import dev.capmesh.proto.v1.Module;
import dev.capmesh.proto.v1.Modules;
import dev.capmesh.proto.v1.PlanUpdate;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.Service;
import dev.capmesh.proto.v1.ServiceRef;
import dev.capmesh.proto.v1.Socket;
import dev.capmesh.proto.v1.WorkerSpec;
import dev.capmesh.runner.agent.PlanStore;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code runner agent}: flag errors in-process, and the real command in its own JVM against a
 * control plane on real gRPC: it serves what it is sent, is killed, and comes back serving its
 * persisted plan while the control plane is down.
 */
class AgentCommandTest {
  private static final String TOKEN = "cli-fleet-token-9e41";
  private static final Pattern SOCKET = Pattern.compile("socket http: http://127\\.0\\.0\\.1:([0-9]+)/");

  @TempDir Path dir;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killProcesses() {
    processes.forEach(Process::destroyForcibly);
  }

  private record Result(int code, String out, String err) {}

  private static Result run(Map<String, String> env, String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    int code = new RunnerMain(new PrintWriter(out), new PrintWriter(err), new ByteArrayOutputStream(), false,
        env::get).run(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void withoutATokenTheAgentRefusesToStart() {
    Result r = run(Map.of(), "agent", "--control-plane", "127.0.0.1:1", "--fleet", "web",
        "--data", dir.resolve("d").toString());
    assertThat(r.code()).isEqualTo(RunnerMain.USAGE);
    assertThat(r.err()).contains("no fleet token: give --token-file FILE or set CAPMESH_FLEET_TOKEN");
    assertThat(dir.resolve("d")).doesNotExist();
  }

  @Test
  void badFlagsAreUsageErrorsNamingTheFlag() throws Exception {
    Map<String, String> env = Map.of("CAPMESH_FLEET_TOKEN", TOKEN);
    String data = dir.resolve("d").toString();
    Result badAddress = run(env, "agent", "--control-plane", "cp.example", "--fleet", "web", "--data", data);
    assertThat(badAddress.code()).isEqualTo(RunnerMain.USAGE);
    assertThat(badAddress.err()).contains("control plane address: \"cp.example\"");
    Result badFleet = run(env, "agent", "--control-plane", "127.0.0.1:1", "--fleet", "a/b", "--data", data);
    assertThat(badFleet.err()).contains("fleet: \"a/b\"");
    Result badId = run(env, "agent", "--control-plane", "127.0.0.1:1", "--fleet", "web", "--data", data,
        "--runner-id", "x y");
    assertThat(badId.err()).contains("runner id: \"x y\"");
    Result noFleet = run(env, "agent", "--control-plane", "127.0.0.1:1", "--data", data);
    assertThat(noFleet.code()).isEqualTo(RunnerMain.USAGE);
    assertThat(noFleet.err()).contains("--fleet");
    Path empty = Files.writeString(dir.resolve("token"), "  \n");
    Result emptyToken = run(Map.of(), "agent", "--control-plane", "127.0.0.1:1", "--fleet", "web",
        "--data", data, "--token-file", empty.toString());
    assertThat(emptyToken.code()).isEqualTo(RunnerMain.USAGE);
    assertThat(emptyToken.err()).contains("token file " + empty + " is empty");
  }

  @Test
  void aDataDirectoryInUseIsRefused() throws Exception {
    try (PlanStore held = PlanStore.open(dir.resolve("d"), Clock.systemUTC())) {
      Result r = run(Map.of("CAPMESH_FLEET_TOKEN", TOKEN), "agent", "--control-plane", "127.0.0.1:1",
          "--fleet", "web", "--data", dir.resolve("d").toString());
      assertThat(r.code()).isEqualTo(RunnerMain.CONFIG_ERRORS);
      assertThat(r.err()).contains("is in use by another runner agent");
    }
  }

  @Test
  void agentServesItsPlanIsKilledAndRestartsOnItWhileTheControlPlaneIsDown() throws Exception {
    Path data = dir.resolve("data");
    RunnerPlan plan = plan("hello from the fleet");
    String firstId;
    int firstPort;
    try (var cp = new ControlPlane()) {
      Process agent = agent(data, cp.port(), "1");
      Hello hello = cp.nextHello();
      await("a Hello", () -> hello != null);
      firstId = hello.getRunnerId();
      assertThat(hello.getFleet()).isEqualTo("web");
      assertThat(hello.getCurrentVersion()).isEmpty();
      await("startup line", () -> out("1").contains("capmesh agent: fleet web, runner " + firstId
          + ", control plane 127.0.0.1:" + cp.port()));
      assertThat(out("1")).contains("no persisted plan; waiting for the control plane");

      cp.send(PlanUpdate.newBuilder().setNonce("n1").setVersion(plan.getVersion()).setPlan(plan).build());
      AgentMessage ack = cp.nextMessage();
      await("an ACK", () -> ack != null);
      assertThat(ack.getAck().getNonce()).as("%s", ack).isEqualTo("n1");
      await("serving line", () -> SOCKET.matcher(out("1")).find());
      firstPort = port("1");
      assertThat(get(firstPort)).isEqualTo("200 hello from the fleet");

      // SIGKILL: no shutdown hook, no chance to tidy up.
      agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    // The control plane is down now; the runner comes back on its persisted plan.
    Process again = agent(data, firstPort, "2");
    await("serving the persisted plan", () -> SOCKET.matcher(out("2")).find());
    assertThat(out("2")).contains("runner " + firstId + ",")
        .contains("serving the persisted plan of fleet web (version "
            + PlanDigest.shortVersion(plan.getVersion()) + ")");
    assertThat(get(port("2"))).isEqualTo("200 hello from the fleet");
    await("the unreachable control plane is reported", () -> err("2").contains("cannot reach the control plane"));

    again.destroy();
    assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(err("2")).contains("stopping");
    for (String run : List.of("1", "2")) {
      assertThat(out(run) + err(run)).doesNotContain(TOKEN);
    }
  }

  @Test
  void withAnAdminEndpointTheAgentIsNotReadyUntilItsFirstPlan() throws Exception {
    RunnerPlan plan = plan("ready now");
    try (var cp = new ControlPlane()) {
      agent(dir.resolve("data"), cp.port(), "1", "--admin-addr", "127.0.0.1:0");
      Hello hello = cp.nextHello();
      await("a Hello", () -> hello != null);
      await("waiting for a plan", () -> out("1").contains("waiting for the control plane"));
      Matcher m = AdminAddrTest.ADMIN.matcher(out("1"));
      assertThat(m.find()).isTrue();
      int admin = Integer.parseInt(m.group(1));
      assertThat(AdminAddrTest.get(admin, "/readyz")).isEqualTo("503 not ready: no plan has been applied yet\n");
      assertThat(AdminAddrTest.get(admin, "/healthz")).isEqualTo("200 ok\n");

      cp.send(PlanUpdate.newBuilder().setNonce("n1").setVersion(plan.getVersion()).setPlan(plan).build());
      AgentMessage ack = cp.nextMessage();
      await("an ACK", () -> ack != null);
      assertThat(ack.hasAck()).as("%s", ack).isTrue();
      await("serving line", () -> SOCKET.matcher(out("1")).find());
      assertThat(get(port("1"))).isEqualTo("200 ready now");
      assertThat(AdminAddrTest.get(admin, "/readyz")).isEqualTo("200 ready: serving plan " + plan.getVersion() + "\n");
      assertThat(AdminAddrTest.metric(admin, "capmesh_plan_info", "version=\"" + plan.getVersion() + "\""))
          .isEqualTo(1);
      await("the request counted", () -> AdminAddrTest.metric(admin, "capmesh_requests_total",
          "socket=\"http\"", "status=\"2xx\"") == 1);
    }
  }

  private Process agent(Path data, int cpPort, String run, String... extra) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    // The Graal JIT flags this test JVM runs with (the surefire argLine): the class path leaves
    // the compiler jars to the upgrade module path.
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--upgrade-module-path") || arg.startsWith("-XX:+UnlockExperimentalVMOptions")
          || arg.startsWith("-XX:+EnableJVMCI") || arg.startsWith("--enable-native-access")
          || arg.startsWith("--sun-misc-unsafe-memory-access")) {
        command.add(arg);
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        RunnerMain.class.getName(), "agent", "--control-plane", "127.0.0.1:" + cpPort, "--fleet", "web",
        "--data", data.toString(), "--socket-addr", "http=127.0.0.1:0"));
    command.addAll(List.of(extra));
    var pb = new ProcessBuilder(command);
    pb.environment().put("CAPMESH_FLEET_TOKEN", TOKEN);
    pb.redirectOutput(dir.resolve("out-" + run).toFile());
    pb.redirectError(dir.resolve("err-" + run).toFile());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private String out(String run) {
    return read(dir.resolve("out-" + run));
  }

  private String err(String run) {
    return read(dir.resolve("err-" + run));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (Exception e) {
      return "";
    }
  }

  private int port(String run) {
    Matcher m = SOCKET.matcher(out(run));
    assertThat(m.find()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static String get(int port) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
          .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    }
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        StringBuilder b = new StringBuilder("timed out waiting for: " + what);
        for (String run : List.of("1", "2")) {
          b.append("\n--- out-").append(run).append('\n').append(out(run))
              .append("--- err-").append(run).append('\n').append(err(run));
        }
        throw new AssertionError(b.toString());
      }
      Thread.sleep(20);
    }
  }

  private static RunnerPlan plan(String body) {
    return PlanDigest.seal(RunnerPlan.newBuilder().setFormat(PlanDigest.CURRENT_FORMAT).setSource("cli-test")
        .addServices(Service.newBuilder().setName("main").setWorker(WorkerSpec.newBuilder()
            .setCompatibilityDate("2025-01-01")
            .setModules(Modules.newBuilder().addModules(Module.newBuilder().setName("main.js")
                .setKind(Module.Kind.ES_MODULE).setContent(ByteString.copyFromUtf8(
                    "export default { fetch() { return new Response('" + body + "'); } };"))))))
        .addSockets(Socket.newBuilder().setName("http").setAddress("127.0.0.1:0")
            .setService(ServiceRef.newBuilder().setService("main")).setHttp(HttpSocket.getDefaultInstance()))
        .build());
  }

  /** The Subscribe side of a control plane, on 127.0.0.1, for one agent at a time. */
  private static final class ControlPlane implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private final Server server;
    private final BlockingQueue<AgentMessage> messages = new LinkedBlockingQueue<>();
    private volatile @Nullable StreamObserver<PlanUpdate> out;

    ControlPlane() throws Exception {
      ServerInterceptor auth = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
          if (!("Bearer " + TOKEN).equals(headers.get(AUTHORIZATION))) {
            call.close(Status.UNAUTHENTICATED.withDescription("unknown fleet token"), new Metadata());
            return new ServerCall.Listener<>() {};
          }
          return next.startCall(call, headers);
        }
      };
      var service = new ControlPlaneGrpc.ControlPlaneImplBase() {
        @Override
        public StreamObserver<AgentMessage> subscribe(StreamObserver<PlanUpdate> responses) {
          out = responses;
          return new StreamObserver<>() {
            @Override
            public void onNext(AgentMessage m) {
              if (!m.hasHeartbeat()) {
                messages.add(m);
              }
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
          };
        }
      };
      server = NettyServerBuilder.forAddress(new InetSocketAddress(
              InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0))
          .permitKeepAliveTime(1, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true)
          .addService(ServerInterceptors.intercept(service, auth)).build().start();
    }

    int port() {
      return server.getPort();
    }

    AgentMessage nextMessage() throws InterruptedException {
      return messages.poll(180, TimeUnit.SECONDS);
    }

    @Nullable Hello nextHello() throws InterruptedException {
      AgentMessage m = nextMessage();
      if (m == null) {
        return null;
      }
      assertThat(m.hasHello()).as("%s", m).isTrue();
      return m.getHello();
    }

    synchronized void send(PlanUpdate update) {
      out.onNext(update);
    }

    @Override
    public void close() {
      server.shutdownNow();
      try {
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
