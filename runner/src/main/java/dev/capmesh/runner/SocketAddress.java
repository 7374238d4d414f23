package dev.capmesh.runner;

import java.net.InetSocketAddress;

/** Parses workerd-style socket addresses: {@code *:8080}, {@code 127.0.0.1:8080}, {@code [::1]:80}. */
final class SocketAddress {
  private SocketAddress() {}

  /** The address to bind; throws {@link IllegalArgumentException} with a readable message. */
  static InetSocketAddress parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("address: \"" + address + "\" (expected: HOST:PORT, e.g. \"*:8080\" or \"127.0.0.1:8080\")");
    }
    String host = address.substring(0, colon);
    String portText = address.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address: \"" + address + "\" (expected: a numeric port, got \"" + portText + "\")");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("address: \"" + address + "\" (expected: a port from 0 to 65535)");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.equals("*")) {
      return new InetSocketAddress(port);
    }
    return new InetSocketAddress(host, port);
  }
}
