package dev.capmesh.runner.js;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * The scenario of {@link JsMemoryIsolationTest} (issue 7), run in a child JVM with a small heap.
 * Worker "holder" keeps more in its module globals with each request until the old generation,
 * measured after a full collection, is about {@value #FILL_TARGET} full: below the level at which
 * the runtime acts, so filling alone never sets it off. Then the holder sits idle and worker
 * "innocent" serves requests that each keep a few MiB alive for a moment and drop them; the
 * young collections promote some of that into the old generation, which then stands over the
 * high-water mark after a collection. The runtime must stop the idle holder, not the innocent.
 *
 * <p>Everything it reports is seen from outside the runtime (responses and the JVM's memory
 * pools), so the same scenario runs on the code from before the fix. Prints one
 * {@code key=value} line per fact for the test to check.
 */
final class MemoryHolderMain {
  /** Share of the old generation the holder fills (after a full collection). */
  static final double FILL_TARGET = 0.875;
  /** Stop filling once this share is reached: close enough to the target. */
  private static final double FILL_ENOUGH = 0.86;
  /** Float64Array(32000): 256,000 bytes, small enough not to be a humongous G1 object. */
  private static final long ARRAY_BYTES = 256_000;

  private MemoryHolderMain() {}

  public static void main(String[] args) throws Exception {
    MemoryPoolMXBean old = oldGeneration();
    long max = old.getUsage().getMax();
    long started = System.nanoTime();
    JsRuntime runtime = JsTesting.warmRuntime();
    // The innocent worker retains nothing between requests. Each request keeps about 8 MiB
    // alive while it works (so a young collection during it promotes some), then drops it. It
    // answers with an id drawn when its code was loaded and how many requests that load served:
    // a reload shows as a new id.
    JsWorker innocent = JsWorker.builder(runtime, "innocent", WorkerCode.modules(WorkerModule.esModule("main.js", """
        const instance = String(Math.random()).slice(2);
        let served = 0;
        export default { async fetch(request) {
          const work = [];
          for (let i = 0; i < 32; i++) { work.push(new Float64Array(32000).fill(i)); }
          let sum = 0;
          for (const a of work) { sum += a[a.length - 1]; }
          served++;
          return new Response(instance + ' ' + served + ' ' + sum);
        } };
        """))).poolSize(1).build();
    for (int i = 0; i < 20; i++) {
      JsTesting.get(innocent, "http://innocent/warm");
    }
    JsWorker holder = JsWorker.builder(runtime, "holder", WorkerCode.modules(WorkerModule.esModule("main.js", """
        const hold = [];
        export default { async fetch(request) {
          const n = Number(new URL(request.url).searchParams.get('n'));
          for (let i = 0; i < n; i++) { hold.push(new Float64Array(32000)); }
          return new Response(String(hold.length));
        } };
        """))).limits(JsLimits.defaults().withCpuPerRequest(java.time.Duration.ofSeconds(20)))
        .poolSize(1).build();
    // Fill in steps, each half of what is left to the target, measuring after a full collection.
    int fills = 0;
    int held = 0;
    int fillStatus = 200;
    for (long used; fillStatus == 200 && (used = oldUsedAfterGc(old)) < max * FILL_ENOUGH && fills < 100;
        fills++) {
      long arrays = Math.max(1, (long) (max * FILL_TARGET - used) / 2 / ARRAY_BYTES);
      JsTesting.Result r = JsTesting.get(holder, "http://holder/?n=" + arrays);
      fillStatus = r.status();
      if (fillStatus == 200) {
        held = Integer.parseInt(r.text().trim());
      } else {
        System.out.println("holderFillFailed=" + r.text().trim().replace(' ', '_'));
      }
    }
    long filledTo = oldUsedAfterGc(old);
    System.out.println("fillSeconds=" + (System.nanoTime() - started) / 1_000_000_000L);
    System.out.println("oldMaxMiB=" + (max >> 20) + " oldUsedMiB=" + (filledTo >> 20) + " fills=" + fills
        + " held=" + held);
    System.out.println("holderFillStatus=" + fillStatus);
    System.out.println("holderFilledPercent=" + (100 * filledTo / max));
    // The holder is idle now. The innocent serves until the holder's memory is gone (the old
    // generation is low again after a collection) and 20 requests after that, or until it has
    // failed 20 times, or the deadline (40 s).
    int requests = 0;
    int non200 = 0;
    int afterRelief = 0;
    Set<String> instances = new HashSet<>();
    long peakAfterGc = 0;
    long deadline = System.nanoTime() + 40_000_000_000L;
    while (System.nanoTime() < deadline && afterRelief < 20 && non200 < 20 && requests < 20_000) {
      requests++;
      try {
        JsTesting.Result r = JsTesting.get(innocent, "http://innocent/");
        if (r.status() == 200) {
          instances.add(r.text().split(" ")[0]);
        } else {
          non200++;
          System.out.println("innocentFailed status=" + r.status() + " - " + r.text().trim());
        }
      } catch (ExecutionException e) {
        // A request that failed without a response counts as a failure like a 503.
        non200++;
        System.out.println("innocentFailed status=none - " + e.getCause());
      }
      long afterGc = old.getCollectionUsage().getUsed();
      peakAfterGc = Math.max(peakAfterGc, afterGc);
      if (afterGc < max / 2) {
        afterRelief++;
      }
    }
    System.out.println("innocentRequests=" + requests);
    System.out.println("innocentNon200=" + non200);
    System.out.println("innocentInstances=" + instances.size());
    System.out.println("oldPeakAfterGcPercent=" + (100 * peakAfterGc / max));
    // Under load the loop may end before the collector's next old-generation cycle has run since
    // the holder was stopped; one full collection then shows whether its memory was let go.
    boolean relievedLater = afterRelief == 0 && oldUsedAfterGc(old) < max / 2;
    System.out.println("heapRelievedWhileServing=" + (afterRelief > 0));
    System.out.println("heapRelieved=" + (afterRelief > 0 || relievedLater));
    // Asked again, a holder that was stopped starts from nothing (or is refused while stopped).
    JsTesting.Result again = JsTesting.get(holder, "http://holder/?n=0");
    System.out.println("holderAgainStatus=" + again.status());
    System.out.println("holderStillHolds=" + (again.status() == 200 && Integer.parseInt(again.text().trim()) > 0));
    runtime.close();
    System.exit(0);
  }

  /** The heap pool that holds long-lived objects: the one with a collection usage threshold. */
  private static MemoryPoolMXBean oldGeneration() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()
            && p.getUsage().getMax() > 0)
        .findFirst().orElseThrow();
  }

  private static long oldUsedAfterGc(MemoryPoolMXBean old) {
    System.gc();
    return old.getUsage().getUsed();
  }
}
