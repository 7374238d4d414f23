package dev.capmesh.runner.observe;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One use of a binding by a worker, or one refused attempt to reach something without one: what
 * the audit log writes as a line and the metrics count. Never holds a secret, a credential, key
 * material or a value read or written; {@code target} is a key, a path, a URL without its query,
 * or a service name.
 *
 * @param time when the use started
 * @param requestId the id of the request the worker was serving ("" outside a request)
 * @param worker the worker's service name
 * @param binding the binding's name in {@code env} ("" for an attempt without a binding)
 * @param kind what the binding is: service, kv, storage, crypto, network, external, disk, fetch
 * @param operation what was done: fetch, rpc, get, put, delete, list, head, sign, verify,
 *     encrypt, decrypt, ...
 * @param target the key, path or destination, or null
 * @param outcome how it ended
 * @param bytesIn bytes the worker received from the binding
 * @param bytesOut bytes the worker sent through the binding
 * @param durationNanos how long it took
 */
public record BindingUse(
    Instant time,
    String requestId,
    String worker,
    String binding,
    String kind,
    String operation,
    @Nullable String target,
    Outcome outcome,
    long bytesIn,
    long bytesOut,
    long durationNanos) {

  /** How a binding use ended. */
  public enum Outcome {
    /** It did what was asked. */
    OK,
    /** The backend or the callee failed, or the arguments were bad. */
    ERROR,
    /** Nothing in the worker's bindings reaches what it asked for. */
    REFUSED,
    /** A binding reaches it, and its policy (allow/deny, usages, writability) forbids it. */
    DENIED
  }

  public BindingUse {
    requireNonNull(time, "time");
    requireNonNull(requestId, "requestId");
    requireNonNull(worker, "worker");
    requireNonNull(binding, "binding");
    requireNonNull(kind, "kind");
    requireNonNull(operation, "operation");
    requireNonNull(outcome, "outcome");
  }
}
