package dev.capmesh.runner.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A resolver for tests: it answers only the names the test mapped, records every name it was
 * asked for, and records (as a violation the test asserts empty) any name it does not know, so
 * nothing ever reaches real DNS.
 */
public final class RecordingResolver implements HostResolver {
  private final Map<String, List<InetAddress>> table;
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private final List<String> unknown = new CopyOnWriteArrayList<>();

  /** Answers exactly the names of {@code table}. */
  public RecordingResolver(Map<String, List<InetAddress>> table) {
    this.table = Map.copyOf(table);
  }

  /** A resolver that must never be asked anything. */
  public static RecordingResolver none() {
    return new RecordingResolver(Map.of());
  }

  @Override public CompletionStage<List<InetAddress>> resolve(String name) {
    asked.add(name);
    List<InetAddress> answer = table.get(name);
    if (answer == null) {
      unknown.add(name);
      return CompletableFuture.failedFuture(new UnknownHostException(name + " (not in the test's table)"));
    }
    return CompletableFuture.completedFuture(answer);
  }

  /** Every name asked for, in order. */
  public List<String> asked() {
    return List.copyOf(asked);
  }

  /** Names asked for that the test did not map (must stay empty). */
  public List<String> unknown() {
    return List.copyOf(unknown);
  }
}
