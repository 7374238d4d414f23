package dev.capmesh.runner.js;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The scenario of {@link JsMemoryIsolationTest}, run in a child JVM with a small heap: worker
 * "holder" keeps most of the heap in its globals and sits idle; worker "innocent" serves
 * requests. Prints one {@code key=value} line per fact for the test to check.
 */
final class MemoryHolderMain {
  private MemoryHolderMain() {}

  public static void main(String[] args) throws Exception {
    JsRuntime runtime = JsRuntime.create();
    JsWorker innocent = JsWorker.builder(runtime, "innocent", WorkerCode.modules(WorkerModule.esModule("main.js", """
        export default { async fetch(request) {
          const garbage = new Array(65536).fill(1.5);
          return new Response('ok ' + garbage.length);
        } };
        """))).poolSize(1).build();
    for (int i = 0; i < 20; i++) {
      JsTesting.get(innocent, "http://innocent/warm");
    }
    // The holder keeps more in a module global with each request (Float64Arrays: their bytes live
    // in a plain byte[] on the heap; 256,000 bytes, so that four fit in a 1 MiB G1 region) until
    // the heap stays over 92.5% full after a collection; then it sits idle.
    JsWorker holder = JsWorker.builder(runtime, "holder", WorkerCode.modules(WorkerModule.esModule("main.js", """
        const hold = [];
        export default { async fetch(request) {
          const n = Number(new URL(request.url).searchParams.get('n'));
          for (let i = 0; i < n; i++) { hold.push(new Float64Array(32000)); }
          return new Response('holding ' + hold.length);
        } };
        """))).limits(JsLimits.defaults().withCpuPerRequest(java.time.Duration.ofSeconds(20)))
        .poolSize(1).build();
    long max = Runtime.getRuntime().maxMemory();
    int fills = 0;
    int filled = 200;
    for (long used; filled == 200 && (used = usedAfterGc()) < max * 0.925 && fills < 100; fills++) {
      long arrays = Math.max(4, (long) (max * 0.925 - used) / 2 / 256_000);
      filled = JsTesting.get(holder, "http://holder/?n=" + arrays).status();
    }
    System.out.println("heapMaxMiB=" + (max >> 20) + " usedMiB=" + (usedAfterGc() >> 20) + " fills=" + fills);
    System.out.println("holderFilled=" + filled);
    List<Integer> statuses = new ArrayList<>();
    long deadline = System.nanoTime() + 30_000_000_000L;
    int afterStop = 0;
    while (System.nanoTime() < deadline && afterStop < 20) {
      JsTesting.Result r = JsTesting.get(innocent, "http://innocent/");
      statuses.add(r.status());
      if (r.status() != 200) {
        System.out.println("innocentFailed=" + r.text().trim());
      }
      if (runtime.memory().stoppedContexts() > 0) {
        afterStop++;
      }
    }
    System.out.println("innocentRequests=" + statuses.size());
    System.out.println("innocentNon200=" + statuses.stream().filter(s -> s != 200).count());
    System.out.println("innocentLoads=" + innocent.loads());
    System.out.println("holderLiveContexts=" + holder.liveContexts());
    System.out.println("stoppedForMemory=" + runtime.memory().stoppedContexts());
    runtime.close();
    System.exit(0);
  }

  private static long usedAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
