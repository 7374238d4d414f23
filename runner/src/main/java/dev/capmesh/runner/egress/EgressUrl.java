package dev.capmesh.runner.egress;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * An http(s) URL taken apart for egress: scheme, parsed host ({@link HostParser}), port, and the
 * request target. Backslashes count as slashes and the fragment is dropped, as in WHATWG URL
 * parsing for special schemes; user info is discarded (it is never sent).
 *
 * @param scheme {@code http} or {@code https}
 * @param host the parsed host
 * @param port the explicit port, or the scheme's default
 * @param explicitPort whether the URL named a port
 * @param pathAndQuery origin-form request target, at least {@code /}
 */
public record EgressUrl(String scheme, HostParser.Host host, int port, boolean explicitPort,
    String pathAndQuery) {

  public EgressUrl {
    requireNonNull(scheme, "scheme");
    requireNonNull(host, "host");
    requireNonNull(pathAndQuery, "pathAndQuery");
  }

  /**
   * The URL of an outbound request, or null after cancelling the request's body and failing
   * {@code failure} with the parse error.
   */
  public static @org.jspecify.annotations.Nullable EgressUrl ofRequest(
      dev.capmesh.runner.service.ServiceRequest request,
      java.util.concurrent.CompletableFuture<?> failure) {
    try {
      return parse(request.url());
    } catch (IllegalArgumentException e) {
      request.body().cancel();
      failure.completeExceptionally(e);
      return null;
    }
  }

  /**
   * Parses an absolute http or https URL.
   *
   * @throws IllegalArgumentException naming the URL and the problem
   */
  public static EgressUrl parse(String url) {
    requireNonNull(url, "url");
    String s = url.strip();
    int colon = s.indexOf(':');
    if (colon <= 0) {
      throw bad(url, "not an absolute URL");
    }
    String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw bad(url, "scheme \"" + scheme + "\" (expected: http or https)");
    }
    String rest = s.substring(colon + 1).replace('\\', '/');
    int slashes = 0;
    while (slashes < rest.length() && rest.charAt(slashes) == '/') {
      slashes++;
    }
    rest = rest.substring(slashes);
    int end = rest.length();
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    String authority = rest.substring(0, end);
    String target = rest.substring(end);
    int hash = target.indexOf('#');
    if (hash >= 0) {
      target = target.substring(0, hash);
    }
    if (target.isEmpty() || target.charAt(0) == '?') {
      target = "/" + target;
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        throw bad(url, "control character or space in the path");
      }
    }
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    String hostText = authority;
    String portText = "";
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw bad(url, "unterminated IPv6 address");
      }
      hostText = authority.substring(0, close + 1);
      String after = authority.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw bad(url, "junk after IPv6 address");
        }
        portText = after.substring(1);
      }
    } else {
      int c = authority.lastIndexOf(':');
      if (c >= 0) {
        hostText = authority.substring(0, c);
        portText = authority.substring(c + 1);
      }
    }
    int defaultPort = scheme.equals("https") ? 443 : 80;
    int port = defaultPort;
    boolean explicit = false;
    if (!portText.isEmpty()) {
      if (portText.length() > 5 || !portText.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        throw bad(url, "port \"" + portText + "\"");
      }
      port = Integer.parseInt(portText);
      if (port > 65535) {
        throw bad(url, "port " + port + " (expected: 0-65535)");
      }
      explicit = port != defaultPort;
    }
    if (port == 0) {
      throw bad(url, "port 0");
    }
    HostParser.Host host;
    try {
      host = HostParser.parse(hostText);
    } catch (IllegalArgumentException e) {
      throw bad(url, e.getMessage());
    }
    return new EgressUrl(scheme, host, port, explicit, target);
  }

  /** The Host header value: the serialized host, plus the port when it is not the default. */
  public String hostHeader() {
    return explicitPort ? host.serialized() + ":" + port : host.serialized();
  }

  private static IllegalArgumentException bad(String url, String why) {
    return new IllegalArgumentException("url: \"" + url + "\" (" + why + ")");
  }
}
