package dev.capmesh.runner.agent;

import static org.assertj.core.api.Assertions.fail;

import dev.capmesh.proto.v1.AgentMessage;
import dev.capmesh.proto.v1.ControlPlaneGrpc;
import dev.capmesh.proto.v1.Heartbeat;
import dev.capmesh.proto.v1.Hello;
import dev.capmesh.proto.v1.PlanUpdate;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real gRPC server on 127.0.0.1 serving the Subscribe side of the control plane from a test
 * script: it checks the bearer token, records every stream and what the agent sends on it, and
 * sends whatever PlanUpdates the test hands it.
 */
final class ScriptedControlPlane implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final long WAIT_SECONDS = 30;

  private final Server server;
  private final String token;
  private final BlockingQueue<AgentStream> streams = new LinkedBlockingQueue<>();
  /** Calls refused for a wrong or missing token. */
  final java.util.concurrent.atomic.AtomicInteger refusedCalls = new java.util.concurrent.atomic.AtomicInteger();
  /** When set, every stream is refused with this status once its Hello arrives. */
  volatile @Nullable Status refuseWith;

  private ScriptedControlPlane(String token) throws IOException {
    this.token = token;
    ServerInterceptor auth = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        if (!("Bearer " + token).equals(headers.get(AUTHORIZATION))) {
          refusedCalls.incrementAndGet();
          call.close(Status.UNAUTHENTICATED.withDescription("unknown fleet token"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
      }
    };
    server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getByAddress(
            new byte[] {127, 0, 0, 1}), 0))
        .permitKeepAliveTime(1, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .addService(ServerInterceptors.intercept(new Service(), auth))
        .build()
        .start();
  }

  static ScriptedControlPlane start(String token) throws IOException {
    return new ScriptedControlPlane(token);
  }

  int port() {
    return server.getPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  /** The next stream an agent opened (waits for it). */
  AgentStream nextStream() throws InterruptedException {
    AgentStream s = streams.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (s == null) {
      fail("no agent subscribed within " + WAIT_SECONDS + " s");
    }
    return s;
  }

  /** Whether another stream was opened, without waiting. */
  @Nullable AgentStream pollStream() {
    return streams.poll();
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

  private final class Service extends ControlPlaneGrpc.ControlPlaneImplBase {
    @Override
    public StreamObserver<AgentMessage> subscribe(StreamObserver<PlanUpdate> responses) {
      return new AgentStream((ServerCallStreamObserver<PlanUpdate>) responses);
    }
  }

  /** One agent's stream, as the control plane sees it. */
  final class AgentStream implements StreamObserver<AgentMessage> {
    private final ServerCallStreamObserver<PlanUpdate> out;
    private final BlockingQueue<AgentMessage> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<Heartbeat> heartbeats = new LinkedBlockingQueue<>();
    private volatile @Nullable Hello hello;
    volatile boolean ended;

    AgentStream(ServerCallStreamObserver<PlanUpdate> out) {
      this.out = out;
    }

    @Override
    public void onNext(AgentMessage m) {
      if (m.hasHeartbeat()) {
        heartbeats.add(m.getHeartbeat());
        return;
      }
      if (m.hasHello() && hello == null) {
        hello = m.getHello();
        Status refuse = refuseWith;
        if (refuse != null) {
          synchronized (out) {
            out.onError(refuse.asRuntimeException());
          }
          ended = true;
        }
        streams.add(this);
        return;
      }
      messages.add(m);
    }

    @Override
    public void onError(Throwable t) {
      ended = true;
    }

    @Override
    public void onCompleted() {
      ended = true;
    }

    Hello hello() {
      return hello;
    }

    void send(PlanUpdate update) {
      synchronized (out) {
        out.onNext(update);
      }
    }

    /** Ends the stream from the control plane's side. */
    void fail(Status status) {
      synchronized (out) {
        out.onError(status.asRuntimeException());
      }
    }

    /** The next ACK or NACK (heartbeats are kept apart). */
    AgentMessage next() throws InterruptedException {
      AgentMessage m = messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (m == null) {
        org.assertj.core.api.Assertions.fail("the agent sent no ACK or NACK within " + WAIT_SECONDS + " s");
      }
      return m;
    }

    @Nullable AgentMessage poll() {
      return messages.poll();
    }
  }
}
