package dev.capmesh.runner;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Child process of {@link StorageDurabilityTest}: serves the config in {@code args[0]/config.capnp}
 * (already written there) on 127.0.0.1 with a free port, prints "PORT n", and serves until it is
 * killed. It never closes the runner: whatever survives, survives a kill -9.
 */
public final class StorageRunnerMain {
  private StorageRunnerMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    var config = dev.capmesh.compiler.ConfigCompiler.create().compile(dir.resolve("config.capnp"), null).config();
    Runner runner = Runner.start(TestRunners.plan(config),
        RunnerOptions.defaults(dir).withSocketAddresses(Map.of("http", "127.0.0.1:0")));
    System.out.println("PORT " + runner.listening().get("http").getPort());
    System.out.flush();
    Thread.sleep(TimeUnit.MINUTES.toMillis(10));
  }
}
