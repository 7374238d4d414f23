package dev.capmesh.runner.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Reads the binding uses back from audit files, for reports ({@code capabilities --usage}). It
 * does not verify the chain ({@link AuditVerifier} does); lines that do not parse are counted
 * and skipped. Stateless.
 */
public final class AuditReader {
  private AuditReader() {}

  /**
   * One binding use as an audit line records it.
   *
   * @param time when it started
   * @param seq its line's seq
   * @param requestId the request it was made for ("" outside a request)
   * @param runner the runner id
   * @param worker the worker's service name
   * @param binding the binding ({@code globalOutbound} for global fetch(), "" for none)
   * @param kind service, network, external, disk, kv, storage, crypto or fetch
   * @param op the operation
   * @param target the key, path, URL, method or algorithm, or null
   * @param outcome OK, ERROR, REFUSED or DENIED
   * @param bytesIn bytes received through the binding
   * @param bytesOut bytes sent through it
   * @param durationUs how long it took, in microseconds
   */
  public record Use(Instant time, long seq, String requestId, String runner, String worker,
      String binding, String kind, String op, @Nullable String target, String outcome,
      long bytesIn, long bytesOut, long durationUs) {}

  /** What a read found besides the uses. */
  public record Summary(long uses, long events, long unreadable) {}

  /**
   * Calls {@code sink} with each use in {@code files}, in the order given.
   *
   * @throws IOException if a file cannot be read
   */
  public static Summary read(List<Path> files, Consumer<Use> sink) throws IOException {
    requireNonNull(files, "files");
    requireNonNull(sink, "sink");
    MessageDigest sha = AuditFormat.sha256();
    long uses = 0;
    long events = 0;
    long unreadable = 0;
    for (Path file : files) {
      if (AuditVerifier.isCheckpointName(file)) {
        continue; // matched by a glob such as audit.log*
      }
      try (var lines = new AuditLines(file)) {
        for (String text; (text = lines.next()) != null; ) {
          AuditFormat.Parsed p = AuditFormat.parse(text, sha);
          if (p == null) {
            unreadable++;
            continue;
          }
          if (p.event() != null) {
            events++;
            continue;
          }
          Use u = use(p);
          if (u == null) {
            unreadable++;
          } else {
            uses++;
            sink.accept(u);
          }
        }
      }
    }
    return new Summary(uses, events, unreadable);
  }

  private static @Nullable Use use(AuditFormat.Parsed p) {
    JsonNode j = p.json();
    Instant time;
    try {
      time = Instant.parse(p.text("time"));
    } catch (DateTimeParseException e) {
      return null;
    }
    JsonNode target = j.get("target");
    return new Use(time, p.seq(), p.text("requestId"), p.text("runner"), p.text("worker"),
        p.text("binding"), p.text("kind"), p.text("op"),
        target == null || target.isNull() ? null : target.asText(), p.text("outcome"),
        j.path("bytesIn").asLong(), j.path("bytesOut").asLong(), j.path("durationUs").asLong());
  }
}
