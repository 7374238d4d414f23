package dev.capmesh.runner.cli;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.plan.Planner;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.runner.RunnerException;
import dev.capmesh.runner.plan.PlanSource;
import dev.capmesh.runner.plan.PlanTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Plans compiled from a config file on the spot ({@code serve}): the first when started, and
 * with {@code --watch} a new one whenever the config or a file beside it changes. A config that
 * does not compile, or a plan the runner refuses, is reported and the running plan keeps
 * serving. Compile errors go to the terminal through {@code compile}.
 */
final class ConfigFileSource implements PlanSource {
  private static final long WATCH_INTERVAL_MS = 300;

  private final Supplier<@Nullable CompiledConfig> compile;
  private final @Nullable Path watched;
  private final PrintWriter out;
  private final PrintWriter err;
  private volatile boolean closed;
  private @Nullable Thread watcher;

  /**
   * @param compile compiles the config, printing its errors; null when it did not compile
   * @param watched the directory to watch for changes, or null for no watching
   */
  ConfigFileSource(Supplier<@Nullable CompiledConfig> compile, @Nullable Path watched,
      PrintWriter out, PrintWriter err) {
    this.compile = compile;
    this.watched = watched;
    this.out = out;
    this.err = err;
  }

  /** Thrown by {@link #start} when the config has errors (already printed). */
  static final class ConfigErrors extends Exception {
    ConfigErrors() {
      super("the config has errors", null, false, false);
    }
  }

  @Override
  public void start(PlanTarget target) throws ConfigErrors, RunnerException {
    CompiledConfig compiled = compile.get();
    if (compiled == null) {
      throw new ConfigErrors();
    }
    target.apply(Planner.plan(compiled));
    if (watched != null) {
      Thread t = Thread.ofPlatform().daemon().name("capmesh-watch").unstarted(() -> watch(target));
      watcher = t;
      t.start();
    }
  }

  private void watch(PlanTarget target) {
    out.println("capmesh: watching " + watched + " for changes");
    out.flush();
    long last = fingerprint(watched);
    while (!closed) {
      try {
        Thread.sleep(WATCH_INTERVAL_MS);
      } catch (InterruptedException e) {
        return;
      }
      long now = fingerprint(watched);
      if (now == last) {
        continue;
      }
      last = now;
      CompiledConfig next = compile.get();
      if (next == null) {
        err.println("runner: the changed config has errors; still serving version "
            + PlanDigest.shortVersion(target.version()));
        err.flush();
        continue;
      }
      RunnerPlan plan = Planner.plan(next);
      if (plan.getVersion().equals(target.version())) {
        continue; // a file changed, the plan did not (a comment, an unrelated file)
      }
      try {
        target.apply(plan);
        out.println("capmesh: reloaded, now serving version " + PlanDigest.shortVersion(target.version()));
      } catch (RunnerException e) {
        e.problems().forEach(p -> err.println("runner: " + p));
        err.println("runner: still serving version " + PlanDigest.shortVersion(target.version()));
      }
      out.flush();
      err.flush();
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread t = watcher;
    if (t != null) {
      t.interrupt();
    }
  }

  /** A cheap summary of the sizes and modification times of the files under {@code dir}. */
  static long fingerprint(Path dir) {
    try (Stream<Path> files = Files.walk(dir, 6)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("/.") && !p.toString().contains("/target/"))
          .mapToLong(p -> {
            try {
              return p.hashCode() * 31L + Files.getLastModifiedTime(p).toMillis() * 17L + Files.size(p);
            } catch (IOException e) {
              return p.hashCode();
            }
          }).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }
}
