package dev.capmesh.runner.service;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request travelling between runner components.
 *
 * @param method upper-case HTTP method
 * @param url absolute URL ({@code http://host/path?query}) as the worker sees it
 * @param headers header fields in arrival order; names as received (compare case-insensitively)
 * @param body the request body, possibly empty
 * @param requestId the runner-wide id of the incoming request this one belongs to (for logs and
 *     audit records)
 * @param budget the subrequest budget and depth of the incoming request this one belongs to,
 *     shared across hops between workers
 */
public record ServiceRequest(
    String method, String url, List<Map.Entry<String, String>> headers, BodyStream body,
    String requestId, RequestBudget budget) {

  public ServiceRequest {
    requireNonNull(method, "method");
    requireNonNull(url, "url");
    headers = List.copyOf(headers);
    requireNonNull(body, "body");
    requireNonNull(requestId, "requestId");
    requireNonNull(budget, "budget");
  }

  /** A request that arrived from outside: a fresh {@link RequestBudget#root()}. */
  public ServiceRequest(String method, String url, List<Map.Entry<String, String>> headers,
      BodyStream body, String requestId) {
    this(method, url, headers, body, requestId, RequestBudget.root());
  }
}
