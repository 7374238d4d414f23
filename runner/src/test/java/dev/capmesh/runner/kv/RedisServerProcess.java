package dev.capmesh.runner.kv;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** A redis-server the test starts on a loopback port (optionally with a password) and stops. */
public final class RedisServerProcess implements AutoCloseable {
  public final int port;
  private final @Nullable String password;
  private @Nullable Process process;

  private RedisServerProcess(int port, @Nullable String password) {
    this.port = port;
    this.password = password;
  }

  /** A free loopback port (bound, then released). */
  public static int freePort() throws IOException {
    try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public static RedisServerProcess start(@Nullable String password) throws Exception {
    var server = new RedisServerProcess(freePort(), password);
    server.start();
    return server;
  }

  /** A server for {@code port}, not started yet (a test that needs the address before the server). */
  public static RedisServerProcess on(int port) {
    return new RedisServerProcess(port, null);
  }

  /** Starts (again) on the same port. */
  public void start() throws Exception {
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"));
    if (password != null) {
      command.addAll(List.of("--requirepass", password));
    }
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (var s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IllegalStateException("redis-server did not start on port " + port, e);
        }
        Thread.sleep(20);
      }
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Kills the server (SIGKILL) and waits for it to be gone. */
  public void kill() throws InterruptedException {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(20, TimeUnit.SECONDS);
      process = null;
    }
  }

  @Override public void close() throws InterruptedException {
    kill();
  }
}
