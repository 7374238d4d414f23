package dev.capmesh.runner.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A TCP relay on 127.0.0.1 between an agent and a control plane. With no upstream it accepts and
 * closes (a control plane that is down); {@link #freeze()} stops relaying on the connections open
 * now while keeping them open (a stalled peer), while new connections relay normally.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Conn> conns = new CopyOnWriteArrayList<>();
  final AtomicInteger accepted = new AtomicInteger();
  volatile @Nullable InetSocketAddress upstream;

  TcpProxy() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
    Thread t = new Thread(this::acceptLoop, "test-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  String address() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        accepted.incrementAndGet();
        sockets.add(client);
        InetSocketAddress to = upstream;
        if (to == null) {
          client.close();
          continue;
        }
        Socket server = new Socket();
        sockets.add(server);
        try {
          server.connect(to);
        } catch (IOException e) {
          client.close();
          server.close();
          continue;
        }
        var conn = new Conn();
        conns.add(conn);
        pump(conn, client, server);
        pump(conn, server, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Conn conn, Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          synchronized (conn) {
            while (conn.frozen) {
              conn.wait();
            }
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // closed
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException e) {
          // closed
        }
      }
    }, "test-proxy-pump");
    t.setDaemon(true);
    conn.threads.add(t);
    t.start();
  }

  /** Stops relaying on every connection open now; they stay open. */
  void freeze() {
    for (Conn c : conns) {
      synchronized (c) {
        c.frozen = true;
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Conn c : conns) {
      c.threads.forEach(Thread::interrupt);
    }
    for (Socket s : sockets) {
      s.close();
    }
  }

  private static final class Conn {
    boolean frozen;
    final List<Thread> threads = new CopyOnWriteArrayList<>();
  }
}
