package dev.capmesh.runner.agent;

import static java.util.Objects.requireNonNull;

import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.Ack;
import dev.capmesh.proto.v1.AgentMessage;
import dev.capmesh.proto.v1.ControlPlaneGrpc;
import dev.capmesh.proto.v1.Heartbeat;
import dev.capmesh.proto.v1.Hello;
import dev.capmesh.proto.v1.Nack;
import dev.capmesh.proto.v1.PlanUpdate;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.runner.RunnerException;
import dev.capmesh.runner.plan.PlanSource;
import dev.capmesh.runner.plan.PlanTarget;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent mode's {@link PlanSource}: serves the plan persisted in the data directory at once, then
 * subscribes to the control plane and applies every plan it is sent, ACKing or NACKing each
 * update by its nonce. Reconnects with exponential backoff and jitter whenever the stream fails
 * or stalls (detected by keepalive pings), logging each change of state once rather than every
 * attempt.
 *
 * <p>Thread-safety: all protocol state lives on one agent thread (the gRPC callbacks run there
 * too), so updates are applied one at a time in the order received; heartbeats go out from a
 * thread of their own, so that they keep flowing while a plan is being applied. {@link #start} and
 * {@link #close} may be called from any thread.
 */
public final class ControlPlaneSource implements PlanSource {
  private static final Logger log = LoggerFactory.getLogger(ControlPlaneSource.class);
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  /** Plans carry code and data modules; the gRPC default of 4 MiB is too small for some. */
  private static final int MAX_PLAN_BYTES = 256 << 20;

  private final AgentOptions options;
  private final FleetToken token;
  private final PlanStore store;
  private final AgentListener listener;
  private final ScheduledExecutorService executor;
  /** Heartbeats on their own thread, so that a long apply does not look like a dead runner. */
  private final ScheduledExecutorService heartbeats;
  private final Backoff backoff;
  private final CompletableFuture<Void> firstPlan = new CompletableFuture<>();

  private volatile @Nullable PlanTarget target;
  private volatile @Nullable ManagedChannel channel;
  private volatile @Nullable RunnerPlan current;
  /** Why this runner is unhealthy, or null. */
  private volatile @Nullable String unhealthy;
  private volatile boolean closed;

  /** The live stream; written only on the agent thread, read by heartbeats too. */
  private volatile @Nullable Session session;
  // Confined to the agent thread.
  private String lastState = "";
  private int sessions;

  /**
   * A source for the control plane in {@code options}, authenticating with {@code token} and
   * persisting applied plans in {@code store} (which the caller keeps and closes after this).
   */
  public ControlPlaneSource(AgentOptions options, FleetToken token, PlanStore store,
      AgentListener listener) {
    this.options = requireNonNull(options, "options");
    this.token = requireNonNull(token, "token");
    this.store = requireNonNull(store, "store");
    this.listener = requireNonNull(listener, "listener");
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "capmesh-agent"));
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "capmesh-agent-heartbeat"));
    this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff(), RandomGenerator.getDefault());
  }

  /**
   * Applies the persisted plan if there is a usable one, starts subscribing, and returns once a
   * plan serves: at once when the persisted plan applied, else when the control plane's first
   * plan has.
   *
   * @throws IOException if the data directory cannot be read
   * @throws IllegalStateException if this source is closed before a plan serves
   */
  @Override
  public void start(PlanTarget planTarget) throws IOException, InterruptedException {
    requireNonNull(planTarget, "planTarget");
    if (target != null) {
      throw new IllegalStateException("already started");
    }
    target = planTarget;
    applyPersisted(planTarget);
    RunnerPlan served = current;
    listener.started(served == null ? "" : served.getVersion());
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the agent was stopped while starting");
      }
      channel = newChannel();
    }
    executor.execute(this::connect);
    long beat = options.heartbeatInterval().toNanos();
    heartbeats.scheduleAtFixedRate(this::heartbeat, beat, beat, TimeUnit.NANOSECONDS);
    if (served != null) {
      return;
    }
    log.info("waiting for the control plane at {} to send a plan", options.address());
    try {
      firstPlan.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("stopped before the control plane sent a plan", e.getCause());
    }
  }

  /** The version served now, or {@code ""}. */
  public String version() {
    RunnerPlan plan = current;
    return plan == null ? "" : plan.getVersion();
  }

  private ManagedChannel newChannel() {
    return Grpc.newChannelBuilderForAddress(options.host(), options.port(),
            InsecureChannelCredentials.create())
        .executor(executor)
        .keepAliveTime(options.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(options.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveWithoutCalls(true)
        .maxInboundMessageSize(MAX_PLAN_BYTES)
        .userAgent("capmesh-agent")
        .disableRetry()
        .intercept(MetadataUtils.newAttachHeadersInterceptor(authorization()))
        .build();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private Metadata authorization() {
    var headers = new Metadata();
    headers.put(AUTHORIZATION, token.authorization());
    return headers;
  }

  private void applyPersisted(PlanTarget planTarget) throws IOException {
    PlanStore.Loaded loaded = store.load();
    loaded.problem().ifPresent(problem -> log.error("{}", problem));
    if (loaded.plan().isEmpty()) {
      return;
    }
    RunnerPlan plan = loaded.plan().get();
    String v = PlanDigest.shortVersion(plan.getVersion());
    try {
      planTarget.apply(plan);
      current = plan;
      firstPlan.complete(null);
      log.info("serving the persisted plan version={} from {} while connecting to the control plane",
          v, store.directory());
    } catch (RunnerException e) {
      unhealthy = "the persisted plan " + v + " does not apply: " + String.join("; ", e.problems());
      log.error("the persisted plan version={} does not apply; serving nothing until the control "
          + "plane sends a plan:\n{}", v, String.join("\n", e.problems()));
    }
  }

  // ---- the agent thread ----------------------------------------------------------------------

  private void connect() {
    ManagedChannel ch = channel;
    if (closed || ch == null) {
      return;
    }
    var s = new Session(++sessions);
    session = s;
    ch.resetConnectBackoff();
    ControlPlaneGrpc.newStub(ch).subscribe(s);
    RunnerPlan plan = current;
    s.send(AgentMessage.newBuilder().setHello(Hello.newBuilder()
        .setFleet(options.fleet())
        .setRunnerId(options.runnerId())
        .setCurrentVersion(plan == null ? "" : plan.getVersion())
        .setMaxPlanFormat(PlanDigest.CURRENT_FORMAT)
        .setAgent(options.agent())).build());
    checkStableLater(s);
  }

  /**
   * Counts {@code s} as subscribed once its transport is connected and the stream has stayed
   * open for {@code stableAfter}: a refusal (wrong token, unknown fleet) arrives well before.
   */
  private void checkStableLater(Session s) {
    executor.schedule(() -> {
      ManagedChannel ch = channel;
      if (session != s || s.subscribed || ch == null) {
        return;
      }
      if (ch.getState(false) == ConnectivityState.READY) {
        subscribed(s);
      } else {
        checkStableLater(s);
      }
    }, options.stableAfter().toNanos(), TimeUnit.NANOSECONDS);
  }

  private void subscribed(Session s) {
    if (s.subscribed) {
      return;
    }
    s.subscribed = true;
    backoff.reset();
    state("subscribed", "subscribed to the control plane at " + options.address() + " as runner "
        + options.runnerId() + " of fleet " + options.fleet(), false);
  }

  private void ended(Session s, Status status) {
    session = null;
    if (closed) {
      return;
    }
    String desc = status.getDescription() == null ? "" : token.redact(status.getDescription());
    String detail = status.getCode() + (desc.isEmpty() ? "" : ": " + desc);
    String why = switch (status.getCode()) {
      case UNAUTHENTICATED -> "the control plane at " + options.address() + " refused the fleet "
          + "token (" + detail + "); check --token-file or " + FleetToken.ENVIRONMENT_VARIABLE;
      case PERMISSION_DENIED -> "the control plane at " + options.address() + " refused runner "
          + options.runnerId() + " for fleet " + options.fleet() + " (" + detail + ")";
      case NOT_FOUND -> "the control plane at " + options.address() + " does not know fleet \""
          + options.fleet() + "\" (" + detail + ")";
      case ALREADY_EXISTS -> "another runner with id \"" + options.runnerId() + "\" is connected "
          + "to fleet " + options.fleet() + " (" + detail + "); give this one its own --runner-id "
          + "or data directory";
      case UNIMPLEMENTED -> options.address() + " does not serve the capmesh control plane ("
          + detail + ")";
      case UNAVAILABLE -> s.subscribed
          ? "lost the stream to the control plane at " + options.address() + " (" + detail + ")"
          : "cannot reach the control plane at " + options.address() + " (" + detail + ")";
      default -> "the stream to the control plane at " + options.address() + " failed ("
          + detail + ")";
    };
    Duration delay = backoff.next();
    // One line per kind of failure, not per attempt: a control plane down for an hour logs once.
    String key = status.getCode() == Status.Code.UNAVAILABLE
        ? (s.subscribed ? "lost" : "unreachable") : status.getCode().name() + " " + desc;
    state(key, why + "; retrying with backoff (at most " + options.maxBackoff().toSeconds()
        + " s between attempts)", true);
    log.debug("reconnecting in {} ms", delay.toMillis());
    executor.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void state(String key, String message, boolean problem) {
    if (key.equals(lastState)) {
      return;
    }
    lastState = key;
    if (problem) {
      log.warn("{}", message);
    } else {
      log.info("{}", message);
    }
    listener.connection(message);
  }

  private void heartbeat() {
    Session s = session;
    if (s != null) {
      s.heartbeat();
    }
  }

  /**
   * The heartbeat to send now. A runner waiting for its first plan is healthy: only a plan it
   * serves badly (or could not restore) is a reason not to be.
   */
  private AgentMessage heartbeatMessage() {
    String why = unhealthy;
    RunnerPlan plan = current;
    return AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
        .setVersion(plan == null ? "" : plan.getVersion())
        .setHealthy(why == null)
        .setDetail(why == null ? "" : why)).build();
  }

  private void handle(Session s, PlanUpdate update) {
    String v = PlanDigest.shortVersion(update.getVersion());
    log.info("received version={} as {} ({} bytes)", v,
        update.hasDelta() ? "a delta of " + update.getDelta().getUpsertedCount() + " changed services"
            : "a whole plan", update.getSerializedSize());
    listener.received(update);
    switch (PlanChecks.decide(current, update)) {
      case PlanChecks.Refuse r -> {
        if (r.resync()) {
          log.info("asked the control plane for the whole plan of version={}: {}", v, r.error());
        } else {
          log.warn("refused plan version={} (nonce={}): {}", v, update.getNonce(), r.error());
          listener.refused(update.getVersion(), r.error());
        }
        s.send(nack(update, r.error(), r.resync()));
      }
      case PlanChecks.AlreadyServing a -> {
        log.debug("already serving version={}; acknowledging nonce={}", v, update.getNonce());
        s.send(ack(update));
      }
      case PlanChecks.Apply a -> apply(s, update, a.plan());
    }
  }

  private void apply(Session s, PlanUpdate update, RunnerPlan plan) {
    String v = PlanDigest.shortVersion(plan.getVersion());
    PlanTarget t = requireNonNull(target, "target");
    try {
      t.apply(plan);
    } catch (RunnerException e) {
      String error = String.join("\n", e.problems());
      RunnerPlan now = current;
      log.warn("refused plan version={} (nonce={}); still serving {}:\n{}", v, update.getNonce(),
          now == null ? "nothing" : PlanDigest.shortVersion(now.getVersion()), error);
      s.send(nack(update, error, false));
      listener.refused(plan.getVersion(), error);
      return;
    } catch (RuntimeException e) {
      log.error("applying plan version={} failed unexpectedly", v, e);
      String error = "the runner failed while applying the plan: " + e.getClass().getSimpleName();
      s.send(nack(update, error, false));
      listener.refused(plan.getVersion(), error);
      return;
    }
    unhealthy = null;
    current = plan;
    try {
      store.save(plan);
    } catch (IOException e) {
      log.error("applied version={} but cannot persist it in {} ({}); a restart would serve the "
          + "previous plan", v, store.directory(), e.toString());
    }
    log.info("applied plan version={} from the control plane (nonce={})", v, update.getNonce());
    s.send(ack(update));
    listener.applied(plan);
    firstPlan.complete(null);
  }

  private static AgentMessage ack(PlanUpdate update) {
    return AgentMessage.newBuilder().setAck(Ack.newBuilder()
        .setNonce(update.getNonce()).setVersion(update.getVersion())).build();
  }

  private AgentMessage nack(PlanUpdate update, String error, boolean resync) {
    return AgentMessage.newBuilder().setNack(Nack.newBuilder()
        .setNonce(update.getNonce()).setVersion(update.getVersion())
        .setError(token.redact(error)).setResync(resync)).build();
  }

  /** One Subscribe stream; its callbacks run on the agent thread. */
  private final class Session implements ClientResponseObserver<AgentMessage, PlanUpdate> {
    final int id;
    boolean subscribed;
    private @Nullable ClientCallStreamObserver<AgentMessage> requests;

    Session(int id) {
      this.id = id;
    }

    @Override
    public synchronized void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
      requests = requestStream;
    }

    /** Sends on this stream while it is the live one; from the agent or the heartbeat thread. */
    synchronized void send(AgentMessage message) {
      ClientCallStreamObserver<AgentMessage> r = requests;
      if (r == null || session != this) {
        return;
      }
      try {
        r.onNext(message);
      } catch (RuntimeException e) {
        // The call ended under us; its onError follows and reconnects.
        log.debug("stream {} refused a message: {}", id, e.toString());
      }
    }

    /**
     * Sends a heartbeat built under the send lock, so that it never reports an older state
     * after an ACK that already went out.
     */
    synchronized void heartbeat() {
      send(heartbeatMessage());
    }

    synchronized void cancel(String why) {
      ClientCallStreamObserver<AgentMessage> r = requests;
      if (r != null) {
        r.cancel(why, null);
      }
    }

    @Override
    public void onNext(PlanUpdate update) {
      if (session != this) {
        return;
      }
      subscribed(this);
      handle(this, update);
    }

    @Override
    public void onError(Throwable t) {
      if (session == this) {
        ended(this, Status.fromThrowable(t));
      }
    }

    @Override
    public void onCompleted() {
      if (session == this) {
        ended(this, Status.UNAVAILABLE.withDescription("the control plane closed the stream"));
      }
    }
  }

  /**
   * Stops subscribing (the stream is cancelled; the control plane sees the runner leave) and
   * waits briefly for the agent thread. The target keeps serving its last plan.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      executor.submit(() -> {
        Session s = session;
        session = null;
        if (s != null) {
          s.cancel("the runner agent is stopping");
        }
      }).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // The agent thread is busy (a long apply) or already stopped: shut it down anyway.
    }
    ManagedChannel ch = channel;
    if (ch != null) {
      ch.shutdownNow();
      try {
        ch.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    heartbeats.shutdownNow();
    executor.shutdownNow();
    try {
      heartbeats.awaitTermination(5, TimeUnit.SECONDS);
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    firstPlan.completeExceptionally(new IllegalStateException("the agent was stopped"));
  }
}
