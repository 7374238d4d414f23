package dev.capmesh.runner.service;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One HTTP response travelling between runner components.
 *
 * @param status HTTP status code (100-599)
 * @param statusText reason phrase, possibly empty
 * @param headers header fields in order
 * @param body the response body, possibly empty
 */
public record ServiceResponse(
    int status, String statusText, List<Map.Entry<String, String>> headers, BodyStream body) {

  public ServiceResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 100-599)");
    }
    requireNonNull(statusText, "statusText");
    headers = List.copyOf(headers);
    requireNonNull(body, "body");
  }

  /** A plain-text response, used for errors produced by the runner itself. */
  public static ServiceResponse text(int status, String text) {
    return new ServiceResponse(status, "",
        List.of(Map.entry("content-type", "text/plain; charset=utf-8")),
        BodyStreams.of(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
