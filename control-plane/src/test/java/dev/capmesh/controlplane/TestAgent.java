package dev.capmesh.controlplane;

import dev.capmesh.proto.PlanDeltas;
import dev.capmesh.proto.v1.Ack;
import dev.capmesh.proto.v1.AgentMessage;
import dev.capmesh.proto.v1.ControlPlaneGrpc;
import dev.capmesh.proto.v1.Heartbeat;
import dev.capmesh.proto.v1.Hello;
import dev.capmesh.proto.v1.Nack;
import dev.capmesh.proto.v1.PlanUpdate;
import dev.capmesh.proto.v1.RunnerPlan;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A runner agent for tests: speaks Subscribe over real gRPC, rebuilds plans from deltas, and
 * ACKs or NACKs as told; sends heartbeats until {@link #stall()}.
 */
final class TestAgent implements AutoCloseable {
  final String fleet;
  final String id;
  private final ManagedChannel channel;
  private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
  private @Nullable StreamObserver<AgentMessage> requests;
  final List<PlanUpdate> received = new CopyOnWriteArrayList<>();
  /** Versions this agent refuses (NACKs with an error). */
  final Set<String> refuse = ConcurrentHashMap.newKeySet();
  /** When false, updates are recorded but neither ACKed nor NACKed. */
  volatile boolean answer = true;
  volatile boolean healthy = true;
  volatile @Nullable RunnerPlan serving;
  volatile @Nullable Status closedWith;
  private volatile boolean stalled;

  private TestAgent(String fleet, String id, int port) {
    this.fleet = fleet;
    this.id = id;
    this.channel = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .usePlaintext().build();
  }

  /** Connects and says Hello, serving {@code current} (null: nothing). */
  static TestAgent connect(int port, String fleet, String id, String token,
      @Nullable RunnerPlan current, int maxFormat) {
    var a = new TestAgent(fleet, id, port);
    a.serving = current;
    a.open(token, maxFormat);
    return a;
  }

  static TestAgent connect(int port, String fleet, String id, String token) {
    return connect(port, fleet, id, token, null, 1);
  }

  private void open(String token, int maxFormat) {
    Metadata md = new Metadata();
    if (token != null) {
      md.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token);
    }
    var stub = ControlPlaneGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    requests = stub.subscribe(new StreamObserver<>() {
      @Override
      public void onNext(PlanUpdate u) {
        received.add(u);
        if (answer) {
          handle(u);
        }
      }

      @Override
      public void onError(Throwable t) {
        closedWith = Status.fromThrowable(t);
      }

      @Override
      public void onCompleted() {
        closedWith = Status.OK;
      }
    });
    RunnerPlan cur = serving;
    send(AgentMessage.newBuilder().setHello(Hello.newBuilder().setFleet(fleet).setRunnerId(id)
        .setCurrentVersion(cur == null ? "" : cur.getVersion()).setMaxPlanFormat(maxFormat)
        .setAgent("test agent")).build());
    heartbeats.scheduleWithFixedDelay(() -> {
      if (!stalled && closedWith == null) {
        RunnerPlan s = serving;
        send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
            .setVersion(s == null ? "" : s.getVersion()).setHealthy(healthy)
            .setDetail(healthy ? "" : "health check failed")).build());
      }
    }, 100, 100, TimeUnit.MILLISECONDS);
  }

  /** Applies {@code u} (ACK) or refuses it (NACK), as an agent would. */
  synchronized void handle(PlanUpdate u) {
    RunnerPlan plan;
    if (u.hasPlan()) {
      plan = u.getPlan();
    } else {
      RunnerPlan base = serving;
      try {
        plan = PlanDeltas.apply(base == null ? RunnerPlan.getDefaultInstance() : base,
            u.getDelta(), u.getVersion());
      } catch (IllegalArgumentException e) {
        send(AgentMessage.newBuilder().setNack(Nack.newBuilder().setNonce(u.getNonce())
            .setVersion(u.getVersion()).setError(e.getMessage()).setResync(true)).build());
        return;
      }
    }
    if (refuse.contains(u.getVersion())) {
      send(AgentMessage.newBuilder().setNack(Nack.newBuilder().setNonce(u.getNonce())
          .setVersion(u.getVersion()).setError("socket http: port 8080 is in use")).build());
      return;
    }
    serving = plan;
    ack(u.getNonce(), u.getVersion());
  }

  void ack(String nonce, String version) {
    send(AgentMessage.newBuilder().setAck(Ack.newBuilder().setNonce(nonce).setVersion(version))
        .build());
  }

  synchronized void send(AgentMessage m) {
    if (requests != null && closedWith == null) {
      requests.onNext(m);
    }
  }

  /** The version served now (empty: none). */
  String version() {
    RunnerPlan s = serving;
    return s == null ? "" : s.getVersion();
  }

  /** Stops sending anything, keeping the stream open (a stalled stream). */
  void stall() {
    stalled = true;
  }

  /** Waits for the stream to end; its status. */
  Status awaitClosed(Duration max) {
    Await.until(() -> closedWith != null, max, "stream of " + id + " to close");
    return closedWith;
  }

  @Override
  public void close() {
    heartbeats.shutdownNow();
    synchronized (this) {
      if (requests != null && closedWith == null) {
        try {
          requests.onCompleted();
        } catch (RuntimeException ignored) {
          // already gone
        }
      }
    }
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
