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
 * <p>The words a runner uses (docs/RUNNER.md, "Audit trail"):
 *
 * <table>
 *   <caption>kinds, operations and targets</caption>
 *   <tr><th>kind</th><th>operations</th><th>target</th></tr>
 *   <tr><td>service (a worker)</td><td>fetch, rpc</td><td>the URL; the method for rpc</td></tr>
 *   <tr><td>network, external</td><td>fetch</td><td>the URL</td></tr>
 *   <tr><td>disk</td><td>get, head, put, delete, fetch (other methods)</td><td>the path</td></tr>
 *   <tr><td>kv</td><td>get, put, delete, list</td><td>the key; the prefix for list</td></tr>
 *   <tr><td>crypto</td><td>sign, verify, encrypt, decrypt, deriveBits, deriveKey, wrapKey,
 *       unwrapKey, exportKey</td><td>the key's algorithm</td></tr>
 *   <tr><td>fetch</td><td>fetch (a global fetch() without a globalOutbound: REFUSED)</td>
 *       <td>the URL</td></tr>
 * </table>
 *
 * <p>A URL is written without its user info, query and fragment. The binding of a global
 * {@code fetch()} through the worker's {@code globalOutbound} is {@code "globalOutbound"}.
 *
 * @param time when the use started
 * @param requestId the id of the request the worker was serving ("" outside a request); a call
 *     to another worker keeps the id of the request that caused it
 * @param worker the worker's service name
 * @param binding the binding's name in {@code env} ("" for an attempt without a binding)
 * @param kind what the binding reaches (see the table)
 * @param operation what was done (see the table)
 * @param target the key, path or destination, or null
 * @param outcome how it ended
 * @param bytesIn bytes the worker received from the binding
 * @param bytesOut bytes the worker sent through the binding
 * @param durationNanos how long it took (for fetch: until the response body ended)
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
