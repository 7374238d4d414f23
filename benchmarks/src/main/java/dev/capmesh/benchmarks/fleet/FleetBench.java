package dev.capmesh.benchmarks.fleet;

import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.plan.Planner;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.ControlPlaneGrpc;
import dev.capmesh.proto.v1.PlanUpdate;
import dev.capmesh.proto.v1.PushRequest;
import dev.capmesh.proto.v1.RolloutEvent;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.runner.agent.AgentListener;
import dev.capmesh.runner.agent.AgentOptions;
import dev.capmesh.runner.agent.ControlPlaneSource;
import dev.capmesh.runner.agent.FleetToken;
import dev.capmesh.runner.agent.PlanStore;
import dev.capmesh.runner.plan.PlanTarget;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Push convergence on a fleet of in-process agents: a real control plane (its own process,
 * started by bench/control-plane/converge.sh), N agents speaking real gRPC on loopback, each
 * applying plans to a target that records when each version arrived (no JavaScript is built:
 * this measures the control plane and the protocol, not worker start-up).
 *
 * <p>Pushes alternate a one-worker change and a whole-config change of a generated config; for
 * each kind it prints the time from the push call to the last agent having the version (p50,
 * p99, max over pushes) and the bytes each agent received for it.
 *
 * <p>Arguments: SERVER TOKEN_FILE AGENTS PUSHES WORKERS WORKDIR.
 */
public final class FleetBench {
  private FleetBench() {}

  /** A plan target that only records when each version arrived. */
  private static final class Recorder implements PlanTarget, AgentListener {
    final Map<String, Long> appliedAt = new ConcurrentHashMap<>();
    final Map<String, Integer> bytes = new ConcurrentHashMap<>();
    volatile String version = "";

    @Override public void apply(RunnerPlan plan) {
      PlanDigest.verify(plan); // what a runner checks before building anything
      version = plan.getVersion();
      appliedAt.putIfAbsent(plan.getVersion(), System.nanoTime());
    }

    @Override public String version() {
      return version;
    }

    @Override public void received(PlanUpdate update) {
      bytes.merge(update.getVersion(), update.getSerializedSize(), Integer::sum);
    }
  }

  public static void main(String[] args) throws Exception {
    String server = args[0];
    Path tokenFile = Path.of(args[1]);
    int agents = Integer.parseInt(args[2]);
    int pushes = Integer.parseInt(args[3]);
    int workers = Integer.parseInt(args[4]);
    Path work = Path.of(args[5]);

    var recorders = new ArrayList<Recorder>();
    var sources = new ArrayList<ControlPlaneSource>();
    var stores = new ArrayList<PlanStore>();
    for (int i = 0; i < agents; i++) {
      var r = new Recorder();
      PlanStore store = PlanStore.open(work.resolve("agent-" + i), Clock.systemUTC());
      var source = new ControlPlaneSource(
          AgentOptions.of(server, "bench", "bench-" + i).withHeartbeatInterval(java.time.Duration.ofSeconds(2)),
          FleetToken.fromFile(tokenFile), store, r);
      recorders.add(r);
      sources.add(source);
      stores.add(store);
    }
    // Start them all; each start() returns once its first plan serves, so run them on threads.
    var starters = new ArrayList<Thread>();
    for (int i = 0; i < agents; i++) {
      int n = i;
      Thread t = Thread.ofVirtual().start(() -> {
        try {
          sources.get(n).start(recorders.get(n));
        } catch (Exception e) {
          System.err.println("agent " + n + ": " + e);
        }
      });
      starters.add(t);
    }

    ManagedChannel channel = Grpc.newChannelBuilder(server, InsecureChannelCredentials.create())
        .maxInboundMessageSize(64 << 20).build();
    var stub = ControlPlaneGrpc.newBlockingStub(channel);
    Path configDir = Files.createDirectories(work.resolve("config"));

    // The first push brings every agent to a base version (not measured).
    RunnerPlan base = plan(configDir, workers, 0, 0);
    awaitConnected(stub, agents);
    push(stub, base, agents);
    awaitAll(recorders, base.getVersion());
    for (Thread t : starters) {
      t.join(TimeUnit.SECONDS.toMillis(60));
    }
    System.out.printf("fleet: %d agents, config of %d workers, whole plan %d bytes%n", agents, workers,
        base.getSerializedSize());
    System.out.println("READY"); // the script samples the control plane's memory now

    var oneWorker = new ArrayList<Double>();
    var whole = new ArrayList<Double>();
    var oneBytes = new ArrayList<Double>();
    var wholeBytes = new ArrayList<Double>();
    int generation = 0;
    int wholeGeneration = 0;
    for (int p = 0; p < pushes; p++) {
      boolean one = p % 2 == 0;
      generation++;
      if (!one) {
        wholeGeneration = generation;
      }
      // one-worker: w0 changes, every other worker stays as the last whole push left it
      RunnerPlan next = plan(configDir, workers, wholeGeneration, generation);
      long start = System.nanoTime();
      push(stub, next, agents);
      awaitAll(recorders, next.getVersion());
      long last = recorders.stream().mapToLong(r -> r.appliedAt.get(next.getVersion())).max().orElseThrow();
      double ms = (last - start) / 1e6;
      double perRunner = recorders.stream().mapToInt(r -> r.bytes.getOrDefault(next.getVersion(), 0)).average().orElse(0);
      (one ? oneWorker : whole).add(ms);
      (one ? oneBytes : wholeBytes).add(perRunner);
      System.out.printf("push %2d %-11s %s: last ACK after %7.1f ms, %8.0f bytes per runner%n", p + 1,
          one ? "one-worker" : "whole", PlanDigest.shortVersion(next.getVersion()), ms, perRunner);
    }
    System.out.println();
    report("one-worker change", oneWorker, oneBytes);
    report("whole-config change", whole, wholeBytes);
    System.out.printf("bytes ratio one-worker/whole: %.3f%n", mean(oneBytes) / mean(wholeBytes));

    channel.shutdownNow();
    for (ControlPlaneSource s : sources) {
      s.close();
    }
    for (PlanStore s : stores) {
      s.close();
    }
  }

  /** Generated config: worker i answers with its tag; whole-generation g changes every worker. */
  private static RunnerPlan plan(Path dir, int workers, int wholeGeneration, int firstWorkerGeneration)
      throws Exception {
    var services = new StringBuilder();
    for (int i = 0; i < workers; i++) {
      int g = i == 0 ? firstWorkerGeneration : wholeGeneration;
      // ~4 KiB of code per worker, as a small real worker would have.
      String padding = "// " + "x".repeat(100) + "\n";
      Files.writeString(dir.resolve("w" + i + ".js"), padding.repeat(40)
          + "export default { fetch() { return new Response('worker " + i + " generation " + g + "'); } };\n");
      services.append("    (name = \"w").append(i).append("\", worker = (compatibilityDate = \"2024-09-01\", ")
          .append("modules = [ (name = \"w").append(i).append(".js\", esModule = embed \"w").append(i)
          .append(".js\") ]")
          .append(i + 1 < workers ? ", bindings = [ (name = \"NEXT\", service = \"w" + (i + 1) + "\") ]" : "")
          .append(")),\n");
    }
    Path config = dir.resolve("config.capnp");
    Files.writeString(config, "using Workerd = import \"/workerd/workerd.capnp\";\n"
        + "const config :Workerd.Config = (\n  services = [\n" + services
        + "  ],\n  sockets = [ (name = \"http\", address = \"127.0.0.1:8080\", http = (), service = \"w0\") ],\n);\n");
    return Planner.plan(ConfigCompiler.create().compile(config, null));
  }

  private static void push(ControlPlaneGrpc.ControlPlaneBlockingStub stub, RunnerPlan plan, int agents) {
    Iterator<RolloutEvent> events = stub.push(PushRequest.newBuilder().setFleet("bench").setPlan(plan)
        .setConfigName("bench.capnp").setCanaryPercent(100).setWaveSize(agents).setMaxNacks(0).build());
    String state = "";
    while (events.hasNext()) {
      state = events.next().getState();
    }
    if (!state.equals("completed")) {
      throw new IllegalStateException("push of " + PlanDigest.shortVersion(plan.getVersion()) + " ended " + state);
    }
  }

  private static void awaitConnected(ControlPlaneGrpc.ControlPlaneBlockingStub stub, int agents)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      var status = stub.status(dev.capmesh.proto.v1.StatusRequest.newBuilder().setFleet("bench").build());
      long online = status.getFleetsList().stream().flatMap(f -> f.getRunnersList().stream())
          .filter(r -> !r.getStatus().equals("offline")).count();
      if (online >= agents) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + online + " of " + agents + " agents connected");
      }
      Thread.sleep(50);
    }
  }

  private static void awaitAll(List<Recorder> recorders, String version) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (recorders.stream().anyMatch(r -> !r.appliedAt.containsKey(version))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not every agent got " + PlanDigest.shortVersion(version));
      }
      Thread.sleep(1);
    }
  }

  private static void report(String what, List<Double> ms, List<Double> bytes) {
    var sorted = ms.stream().sorted().toList();
    System.out.printf("%-20s pushes %d: push -> last ACK p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
        + "bytes per runner %.0f%n", what, sorted.size(), percentile(sorted, 50), percentile(sorted, 99),
        sorted.get(sorted.size() - 1), mean(bytes));
  }

  private static double percentile(List<Double> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }
}
