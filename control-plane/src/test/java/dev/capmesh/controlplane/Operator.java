package dev.capmesh.controlplane;

import dev.capmesh.proto.v1.ControlPlaneGrpc;
import dev.capmesh.proto.v1.FleetStatus;
import dev.capmesh.proto.v1.HistoryReply;
import dev.capmesh.proto.v1.HistoryRequest;
import dev.capmesh.proto.v1.PushRequest;
import dev.capmesh.proto.v1.RollbackRequest;
import dev.capmesh.proto.v1.RolloutEvent;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.RunnerState;
import dev.capmesh.proto.v1.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Operator calls over real gRPC, for tests. */
final class Operator implements AutoCloseable {
  final ManagedChannel channel;
  final ControlPlaneGrpc.ControlPlaneBlockingStub blocking;
  final ControlPlaneGrpc.ControlPlaneStub async;

  Operator(int port, @Nullable String adminToken) {
    channel = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .usePlaintext().build();
    Metadata md = new Metadata();
    if (adminToken != null) {
      md.put(AuthInterceptor.AUTHORIZATION, "Bearer " + adminToken);
    }
    var i = MetadataUtils.newAttachHeadersInterceptor(md);
    blocking = ControlPlaneGrpc.newBlockingStub(channel).withInterceptors(i);
    async = ControlPlaneGrpc.newStub(channel).withInterceptors(i);
  }

  /** A push's events as they arrive, and how the stream ended. */
  static final class Events implements StreamObserver<RolloutEvent> {
    final List<RolloutEvent> events = new CopyOnWriteArrayList<>();
    volatile @Nullable Throwable error;
    volatile boolean done;

    @Override
    public void onNext(RolloutEvent e) {
      events.add(e);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      done = true;
    }

    @Override
    public void onCompleted() {
      done = true;
    }

    RolloutEvent last() {
      return events.get(events.size() - 1);
    }

    Events await(Duration max) {
      Await.until(() -> done, max, "the rollout's event stream to end");
      return this;
    }

    /** Waits for an event in {@code state} at wave {@code wave} or later. */
    RolloutEvent awaitState(String state, int wave, Duration max) {
      Await.until(() -> events.stream().anyMatch(e -> e.getState().equals(state)
          && e.getWave() >= wave), max, state + " at wave " + wave);
      return events.stream().filter(e -> e.getState().equals(state) && e.getWave() >= wave)
          .findFirst().orElseThrow();
    }
  }

  Events push(String fleet, RunnerPlan plan, int canary, int waveSize, int maxNacks) {
    var e = new Events();
    async.push(PushRequest.newBuilder().setFleet(fleet).setPlan(plan).setConfigName("test.capnp")
        .setCanaryPercent(canary).setWaveSize(waveSize).setMaxNacks(maxNacks).build(), e);
    return e;
  }

  Events rollback(String fleet, String to) {
    var e = new Events();
    async.rollback(RollbackRequest.newBuilder().setFleet(fleet).setToVersion(to).build(), e);
    return e;
  }

  FleetStatus status(String fleet) {
    return blocking.withDeadlineAfter(10, TimeUnit.SECONDS)
        .status(StatusRequest.newBuilder().setFleet(fleet).build()).getFleets(0);
  }

  RunnerState runner(String fleet, String id) {
    return status(fleet).getRunnersList().stream().filter(r -> r.getRunnerId().equals(id))
        .findFirst().orElseThrow(() -> new AssertionError("no runner " + id));
  }

  HistoryReply history(String fleet) {
    return blocking.withDeadlineAfter(10, TimeUnit.SECONDS)
        .history(HistoryRequest.newBuilder().setFleet(fleet).build());
  }

  static final Duration WAIT = Duration.ofSeconds(20);

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
