package dev.capmesh.controlplane.cli;

import java.net.InetSocketAddress;

/** {@code HOST:PORT} and {@code [v6]:PORT}. */
record HostPort(String host, int port) {
  static HostPort parse(String s, String what) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException(what + ": " + s + " (expected: HOST:PORT)");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(what + ": " + s + " (expected: a port 0..65535)");
    }
    return new HostPort(host, port);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
