package dev.capmesh.runner.kv;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Child process of {@link EmbeddedKvDurabilityTest}: puts {@code args[1]=args[2]} into the
 * embedded store in {@code args[0]}, prints "ACK" once the put is acknowledged, then keeps the
 * store open (never closes it) until it is killed.
 */
public final class KvPutMain {
  private KvPutMain() {}

  public static void main(String[] args) throws Exception {
    var blocking = Executors.newSingleThreadExecutor();
    EmbeddedKv kv = EmbeddedKv.open(Path.of(args[0]), blocking);
    for (int i = 0; i < 100; i++) {
      kv.put(args[1] + "-" + i, new KvEntry(("v" + i).getBytes(StandardCharsets.UTF_8), null, 0))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    kv.put(args[1], new KvEntry(args[2].getBytes(StandardCharsets.UTF_8), "{\"acked\":true}", 0))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.out.println("ACK");
    System.out.flush();
    Thread.sleep(TimeUnit.MINUTES.toMillis(5));
  }
}
