package dev.capmesh.runner;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How a runner reaches resource backends (KV namespaces).
 *
 * @param dataDirectory where embedded stores with an empty path live ({@code DIR/kv/SERVICE});
 *     relative paths in the config resolve against the base directory instead, as disk paths do
 * @param backendTimeout how long one KV call may take, connecting included, before the worker's
 *     promise rejects naming the binding
 * @param clock the time expirations are judged by
 * @param environment the runner's environment: {@code fromEnvironment} bindings and backend
 *     passwords are read from it at use time
 */
public record ResourceOptions(Path dataDirectory, Duration backendTimeout, Clock clock,
    Function<String, @Nullable String> environment) {

  /** The default backend timeout. */
  public static final Duration DEFAULT_BACKEND_TIMEOUT = Duration.ofSeconds(5);
  /** One instance, so that default options compare equal. */
  private static final Function<String, @Nullable String> PROCESS_ENVIRONMENT = System::getenv;

  public ResourceOptions {
    requireNonNull(dataDirectory, "dataDirectory");
    requireNonNull(backendTimeout, "backendTimeout");
    requireNonNull(clock, "clock");
    requireNonNull(environment, "environment");
    if (backendTimeout.isNegative() || backendTimeout.isZero()) {
      throw new IllegalArgumentException("backendTimeout: " + backendTimeout + " (expected: > 0)");
    }
  }

  /**
   * Data in {@code baseDirectory/.capmesh-data}, a 5 s backend timeout, the system clock and
   * the process environment.
   */
  public static ResourceOptions defaults(Path baseDirectory) {
    return new ResourceOptions(baseDirectory.resolve(".capmesh-data"), DEFAULT_BACKEND_TIMEOUT,
        Clock.systemUTC(), PROCESS_ENVIRONMENT);
  }

  /** The same options with another data directory. */
  public ResourceOptions withDataDirectory(Path directory) {
    return new ResourceOptions(directory, backendTimeout, clock, environment);
  }

  /** The same options with another backend timeout. */
  public ResourceOptions withBackendTimeout(Duration timeout) {
    return new ResourceOptions(dataDirectory, timeout, clock, environment);
  }

  /** The same options with another clock. */
  public ResourceOptions withClock(Clock newClock) {
    return new ResourceOptions(dataDirectory, backendTimeout, newClock, environment);
  }

  /** The same options reading another environment. */
  public ResourceOptions withEnvironment(Function<String, @Nullable String> newEnvironment) {
    return new ResourceOptions(dataDirectory, backendTimeout, clock, newEnvironment);
  }
}
