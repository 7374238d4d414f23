package dev.capmesh.runner.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Turns a host name into addresses. The one place egress code asks DNS; tests replace it with a
 * fixed table. Implementations are thread-safe and never block the caller.
 */
@FunctionalInterface
public interface HostResolver {

  /**
   * Resolves {@code name} (ASCII, no trailing dot). The stage fails with {@link
   * UnknownHostException} when the name does not exist.
   */
  CompletionStage<List<InetAddress>> resolve(String name);

  /** The system resolver ({@link InetAddress#getAllByName}), run on {@code executor}. */
  static HostResolver system(Executor executor) {
    return name -> CompletableFuture.supplyAsync(() -> {
      try {
        return List.of(InetAddress.getAllByName(name));
      } catch (UnknownHostException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, executor);
  }
}
