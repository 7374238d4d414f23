package dev.capmesh.runner.agent;

import static dev.capmesh.runner.agent.Plans.delta;
import static dev.capmesh.runner.agent.Plans.full;
import static dev.capmesh.runner.agent.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.capmesh.proto.v1.AgentMessage;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.runner.Runner;
import dev.capmesh.runner.RunnerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with the real runner: a plan from the control plane serves HTTP on loopback, and the
 * next plan swaps in under concurrent keep-alive load without one failed request.
 */
class AgentSwapTest {
  private static final String TOKEN = "swap-token-0c1d";
  private static final int CLIENTS = 8;

  @TempDir Path dir;

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void planFromTheControlPlaneServesAndTheNextSwapsWithZeroFailedRequests() throws Exception {
    try (ScriptedControlPlane cp = ScriptedControlPlane.start(TOKEN);
        PlanStore store = PlanStore.open(dir.resolve("data"), Clock.systemUTC());
        Runner runner = Runner.create(RunnerOptions.defaults(dir));
        ControlPlaneSource source = new ControlPlaneSource(
            AgentOptions.of(cp.address(), "web", "r1").withBackoff(Duration.ofMillis(20), Duration.ofMillis(300)),
            FleetToken.fromEnvironment(TOKEN), store, new AgentListener() {})) {
      CompletableFuture<Void> start = CompletableFuture.runAsync(() -> {
        try {
          source.start(runner);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      ScriptedControlPlane.AgentStream s = cp.nextStream();
      RunnerPlan p1 = plan("one", "spare");
      s.send(full("n1", p1));
      AgentMessage ack = s.next();
      assertThat(ack.hasAck()).as("%s", ack).isTrue();
      start.get(30, TimeUnit.SECONDS);
      assertThat(runner.version()).isEqualTo(p1.getVersion());
      int port = runner.listening().get("http").getPort();
      URI uri = URI.create("http://127.0.0.1:" + port + "/");

      var stop = new AtomicBoolean();
      var failures = new ConcurrentLinkedQueue<String>();
      List<AtomicInteger> ones = new ArrayList<>();
      List<AtomicInteger> twos = new ArrayList<>();
      List<Thread> clients = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        var one = new AtomicInteger();
        var two = new AtomicInteger();
        ones.add(one);
        twos.add(two);
        clients.add(Thread.ofPlatform().name("load-" + i).start(() -> load(uri, stop, one, two, failures)));
      }
      await("every client got answers from version one", () -> ones.stream().allMatch(n -> n.get() >= 10));

      RunnerPlan p2 = plan("two", "spare");
      s.send(delta("n2", p1, p2));
      AgentMessage ack2 = s.next();
      assertThat(ack2.hasAck()).as("%s", ack2).isTrue();
      assertThat(ack2.getAck().getVersion()).isEqualTo(p2.getVersion());
      await("every client got answers from version two", () -> twos.stream().allMatch(n -> n.get() >= 10));
      stop.set(true);
      for (Thread t : clients) {
        t.join(30_000);
      }
      int total = ones.stream().mapToInt(AtomicInteger::get).sum() + twos.stream().mapToInt(AtomicInteger::get).sum();
      System.out.printf("swap under load: %d requests, %d failed%n", total, failures.size());
      assertThat(failures).as("failed requests out of %d", total).isEmpty();
      assertThat(runner.listening().get("http").getPort()).isEqualTo(port);
      assertThat(store.load().plan()).contains(p2);
    }
  }

  /** One keep-alive client: GET in a loop; anything but 200 "one" or "two" is a failure. */
  private static void load(URI uri, AtomicBoolean stop, AtomicInteger one, AtomicInteger two,
      Queue<String> failures) {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
    boolean sawTwo = false;
    while (!stop.get()) {
      try {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().equals("one") && !sawTwo) {
          one.incrementAndGet();
        } else if (r.statusCode() == 200 && r.body().equals("two")) {
          sawTwo = true;
          two.incrementAndGet();
        } else {
          failures.add(r.statusCode() + " " + r.body());
        }
      } catch (Exception e) {
        failures.add(e.toString());
      }
    }
    client.close();
  }
}
