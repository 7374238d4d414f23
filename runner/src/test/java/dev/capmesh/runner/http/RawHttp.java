package dev.capmesh.runner.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A deliberately small HTTP/1.1 client over a raw socket, for tests that need byte control. */
public final class RawHttp implements AutoCloseable {
  final Socket socket;
  final InputStream in;

  /** Connects to {@code address}. */
  public RawHttp(InetSocketAddress address) throws IOException {
    this(new Socket(address.getAddress(), address.getPort()));
  }

  RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
  }

  /** Writes {@code text} as ISO-8859-1 bytes. */
  public void send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** One response as read. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    /** A header's value, by case-insensitive name. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Reads one response; {@code head} when the request was HEAD (no body follows). */
  Response read(boolean head) throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); l != null && !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    var body = new ByteArrayOutputStream();
    if (!head && status >= 200 && status != 204 && status != 304) {
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        while (true) {
          int size = Integer.parseInt(line().trim(), 16);
          if (size == 0) {
            line();
            break;
          }
          body.write(in.readNBytes(size));
          line();
        }
      } else if (headers.containsKey("content-length")) {
        body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
      } else {
        body.write(in.readAllBytes());
      }
    }
    return new Response(status, headers, body.toByteArray());
  }

  /** Reads one response to a request that was not HEAD. */
  public Response read() throws IOException {
    return read(false);
  }

  /** True when the server closed the connection (EOF within the socket timeout). */
  boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  private String line() throws IOException {
    var b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c == -1 && b.size() == 0) {
      return null;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override public void close() throws IOException {
    socket.close();
  }
}
