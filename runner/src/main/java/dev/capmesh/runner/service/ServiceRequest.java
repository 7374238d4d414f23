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
 */
public record ServiceRequest(
    String method, String url, List<Map.Entry<String, String>> headers, BodyStream body,
    String requestId) {

  public ServiceRequest {
    requireNonNull(method, "method");
    requireNonNull(url, "url");
    headers = List.copyOf(headers);
    requireNonNull(body, "body");
    requireNonNull(requestId, "requestId");
  }
}
