package dev.capmesh.controlplane;

import static java.util.Objects.requireNonNull;

import dev.capmesh.controlplane.store.ControlStore;
import dev.capmesh.controlplane.store.StoreException;
import dev.capmesh.controlplane.token.FleetTokens;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running control plane: the gRPC server (agents' Subscribe streams, operators' Push,
 * Rollback, Status, History) over a {@link ControlStore}. Every state change runs on one
 * thread; a periodic tick renews the leadership, closes stalled streams and advances rollouts.
 * Thread-safe.
 */
public final class ControlPlaneServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlaneServer.class);
  /** The largest message (a pushed plan) accepted; agents should accept as much. */
  public static final int MAX_MESSAGE_BYTES = 64 << 20;

  private final Server server;
  private final ScheduledExecutorService loop;
  private final Hub hub;
  private final ControlStore store;

  private ControlPlaneServer(Server server, ScheduledExecutorService loop, Hub hub, ControlStore store) {
    this.server = server;
    this.loop = loop;
    this.hub = hub;
    this.store = store;
  }

  /** A builder for a server over {@code store}. */
  public static Builder builder(ControlStore store) {
    return new Builder(store);
  }

  /** The port the server listens on. */
  public int port() {
    return server.getPort();
  }

  /** The instance id (one per process; shown in logs and the leader key). */
  public String instance() {
    return hub.instance;
  }

  /** Whether this instance leads (drives rollouts) now. */
  public boolean leader() {
    return onLoop(hub::leader);
  }

  /** The number of agent streams of {@code fleet} connected to this instance. */
  public int connected(String fleet) {
    return onLoop(() -> hub.connected(fleet));
  }

  private <T> T onLoop(Supplier<T> s) {
    try {
      return loop.submit(s::get).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the control plane's thread did not answer", e);
    }
  }

  /** Blocks until the server has stopped. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops: gives up the leadership, ends every stream (agents reconnect elsewhere or later),
   * stops the server and closes the store.
   */
  @Override
  public void close() {
    stop(true);
  }

  /** Stops like a crash would: streams end, the leadership is left to expire. For tests. */
  void halt() {
    stop(false);
  }

  private void stop(boolean resign) {
    try {
      loop.submit(() -> {
        hub.closeAll(Status.UNAVAILABLE.withDescription("the control plane is shutting down"));
        if (resign) {
          try {
            store.resign(hub.instance);
          } catch (StoreException e) {
            log.warn("could not resign the leadership: {}", e.getMessage());
          }
        }
      }).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("stopping: {}", e.toString());
    }
    server.shutdownNow();
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
      // Not shutdownNow: an interrupt would cut a store write short.
      loop.shutdown();
      loop.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
  }

  /** Settings of a control plane; everything but the store has a default. */
  public static final class Builder {
    private final ControlStore store;
    private InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 0);
    private FleetTokens tokens = FleetTokens.none();
    private @Nullable String adminToken;
    private Duration heartbeatTimeout = Duration.ofSeconds(15);
    private Duration tick = Duration.ofMillis(500);
    private Duration lease = Duration.ofSeconds(5);
    private @Nullable String instance;
    private Clock clock = Clock.systemUTC();

    private Builder(ControlStore store) {
      this.store = requireNonNull(store, "store");
    }

    /** Where to listen (default 127.0.0.1, any free port). */
    public Builder listen(InetSocketAddress a) {
      this.listen = requireNonNull(a, "listen");
      return this;
    }

    /** The fleets served and their agents' tokens. */
    public Builder tokens(FleetTokens t) {
      this.tokens = requireNonNull(t, "tokens");
      return this;
    }

    /** The token operator calls must carry (null: operator calls are not authenticated). */
    public Builder adminToken(@Nullable String t) {
      if (t != null && t.isEmpty()) {
        throw new IllegalArgumentException("adminToken: empty (expected: a token or none)");
      }
      this.adminToken = t;
      return this;
    }

    /** How long a runner may send nothing before it is offline and its stream closed. */
    public Builder heartbeatTimeout(Duration d) {
      checkPositive(d, "heartbeatTimeout");
      this.heartbeatTimeout = d;
      return this;
    }

    /** How often leadership, stalled streams and rollouts are looked at. */
    public Builder tick(Duration d) {
      checkPositive(d, "tick");
      this.tick = d;
      return this;
    }

    /** How long a leader's lease lasts without renewal (a shared store only). */
    public Builder lease(Duration d) {
      checkPositive(d, "lease");
      this.lease = d;
      return this;
    }

    /** This instance's id (default: random). */
    public Builder instance(String id) {
      this.instance = requireNonNull(id, "instance");
      return this;
    }

    /** The clock for heartbeats and history (tests). */
    public Builder clock(Clock c) {
      this.clock = requireNonNull(c, "clock");
      return this;
    }

    private static void checkPositive(Duration d, String name) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
    }

    /**
     * Starts listening.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public ControlPlaneServer start() {
      String id = instance;
      if (id == null) {
        byte[] b = new byte[6];
        new java.security.SecureRandom().nextBytes(b);
        id = "cp-" + HexFormat.of().formatHex(b);
      }
      ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "control-plane-hub");
        t.setDaemon(true);
        return t;
      });
      var hub = new Hub(store, tokens, clock, heartbeatTimeout, id, lease);
      var service = new ControlPlaneService(hub, loop);
      Server server = NettyServerBuilder.forAddress(listen)
          .addService(ServerInterceptors.intercept(service, new AuthInterceptor(tokens, adminToken)))
          // Plans carry whole modules (wasm, data): more than gRPC's default 4 MiB.
          .maxInboundMessageSize(MAX_MESSAGE_BYTES)
          .permitKeepAliveTime(5, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          .build();
      try {
        server.start();
      } catch (IOException e) {
        loop.shutdownNow();
        throw new UncheckedIOException("cannot listen on " + listen + ": " + e.getMessage(), e);
      }
      // The first tick decides the leadership before anything else runs.
      loop.execute(() -> safeTick(hub));
      loop.scheduleWithFixedDelay(() -> safeTick(hub), tick.toMillis(), tick.toMillis(),
          TimeUnit.MILLISECONDS);
      log.info("control plane {} listening on {}:{} store={} fleets={}", id,
          listen.getAddress().getHostAddress(), server.getPort(), store.describe(), tokens.fleets());
      return new ControlPlaneServer(server, loop, hub, store);
    }

    private static void safeTick(Hub hub) {
      try {
        hub.tick();
      } catch (StoreException e) {
        log.error("store failure: {}", e.getMessage());
      } catch (RuntimeException e) {
        log.error("tick failed", e);
      }
    }
  }
}
