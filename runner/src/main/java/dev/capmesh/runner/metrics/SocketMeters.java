package dev.capmesh.runner.metrics;

import dev.capmesh.runner.observe.SocketLimit;
import dev.capmesh.runner.observe.SocketMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one socket: requests by status class and their latency (labelled with the
 * service the socket serves now), requests in flight, limits hit. The server of the socket keeps
 * this object across plans; {@link #serve} relabels it when a plan points the socket at another
 * service. Thread-safe: the hot path reads one volatile field and bumps pre-registered meters.
 */
final class SocketMeters implements SocketMeter {
  /** The latency buckets: 1 ms to 30 s, roughly three per decade. */
  static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30)};
  /** Status class label by status / 100; index 0 is a request that got no response. */
  private static final String[] CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

  private final MeterRegistry registry;
  private final String socket;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Gauge inFlightGauge;
  private final Map<SocketLimit, Counter> limits = new EnumMap<>(SocketLimit.class);
  private volatile @Nullable Served served;

  /** The meters labelled with the service the socket serves. */
  private record Served(String service, Counter[] byClass, Timer latency) {
    List<Meter> meters() {
      var all = new ArrayList<Meter>(List.of(byClass));
      all.add(latency);
      return all;
    }
  }

  SocketMeters(MeterRegistry registry, String socket) {
    this.registry = registry;
    this.socket = socket;
    this.inFlightGauge = Gauge.builder("capmesh.requests.in.flight", inFlight, AtomicInteger::get)
        .description("Requests a socket is serving now (from their head to the end of their response)")
        .tag("socket", socket).strongReference(true).register(registry);
    for (SocketLimit limit : SocketLimit.values()) {
      limits.put(limit, Counter.builder("capmesh.socket.limit.hits")
          .description("Limits a socket enforced on its clients, by limit")
          .tag("socket", socket).tag("limit", limit.label()).register(registry));
    }
  }

  /** Labels the request meters with {@code service} from now on (drops the old ones). */
  synchronized void serve(String service) {
    Served old = served;
    if (old != null && old.service().equals(service)) {
      return;
    }
    var byClass = new Counter[CLASSES.length];
    for (int i = 0; i < CLASSES.length; i++) {
      byClass[i] = Counter.builder("capmesh.requests")
          .description("Requests a socket answered, by the service it serves and status class "
              + "(none: the client went away before a response)")
          .tag("socket", socket).tag("service", service).tag("status", CLASSES[i]).register(registry);
    }
    Timer latency = Timer.builder("capmesh.request.duration")
        .description("Time from a request's head arriving to its response head being sent")
        .tag("socket", socket).tag("service", service)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
    served = new Served(service, byClass, latency);
    if (old != null) {
      old.meters().forEach(registry::remove);
    }
  }

  /** Unregisters every meter of this socket (it is gone from the plan). */
  synchronized void remove() {
    Served s = served;
    if (s != null) {
      s.meters().forEach(registry::remove);
    }
    registry.remove(inFlightGauge);
    limits.values().forEach(registry::remove);
  }

  @Override public void started() {
    inFlight.incrementAndGet();
  }

  @Override public void ended(int status, long nanosToResponse) {
    inFlight.decrementAndGet();
    Served s = served;
    if (s == null) {
      return; // the first plan is not applied yet: no service to label with
    }
    int c = status / 100;
    s.byClass()[c >= 1 && c <= 5 ? c : 0].increment();
    if (status != 0) {
      s.latency().record(nanosToResponse, TimeUnit.NANOSECONDS);
    }
  }

  @Override public void limitHit(SocketLimit limit) {
    limits.get(limit).increment();
  }
}
