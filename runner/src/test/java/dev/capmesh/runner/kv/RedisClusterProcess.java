package dev.capmesh.runner.kv;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of three masters (no replicas) the test starts on free loopback ports, each
 * node in its own directory under {@code dir}, joined with {@code redis-cli --cluster create};
 * {@link #close} kills them.
 */
final class RedisClusterProcess implements AutoCloseable {
  final List<Integer> ports = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  static RedisClusterProcess start(Path dir) throws Exception {
    var c = new RedisClusterProcess();
    try {
      c.startNodes(dir);
      c.create(dir);
      c.awaitOk();
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
    return c;
  }

  private void startNodes(Path dir) throws Exception {
    for (int i = 0; i < 3; i++) {
      startNode(dir);
    }
  }

  /**
   * Starts one node on a free port, with its cluster bus on another free port (by default the
   * bus is the port + 10000, which does not exist for ports above 55535 and may be taken). A
   * port can be taken between being found free and the node binding it: then the node exits,
   * and it is started again on other ports, a few times.
   */
  private void startNode(Path dir) throws Exception {
    String lastLog = "";
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = RedisServerProcess.freePort();
      int busPort = RedisServerProcess.freePort();
      if (busPort == port) {
        continue;
      }
      Path nodeDir = Files.createDirectories(dir.resolve("node-" + port));
      Path log = nodeDir.resolve("log.txt");
      Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(port),
          "--cluster-port", String.valueOf(busPort), "--bind", "127.0.0.1",
          "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
          "--save", "", "--appendonly", "no", "--protected-mode", "no")
          .directory(nodeDir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      boolean up;
      try {
        up = waitForPort(port, p);
      } catch (Exception | Error e) {
        p.destroyForcibly();
        throw e;
      }
      if (up) {
        processes.add(p);
        ports.add(port);
        return;
      }
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      lastLog = Files.exists(log) ? Files.readString(log) : "";
    }
    throw new IllegalStateException("redis-server (cluster node) did not start in 5 attempts; its last log:\n"
        + lastLog);
  }

  /** Whether the node answers on {@code port}; false when it exited first. */
  private static boolean waitForPort(int port, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (var s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException e) {
        if (!p.isAlive()) {
          return false;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("redis-server (cluster node) did not start on port " + port
              + " within 20 s", e);
        }
        Thread.sleep(20);
      }
    }
  }

  private void create(Path dir) throws Exception {
    var command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (int port : ports) {
      command.add("127.0.0.1:" + port);
    }
    command.add("--cluster-yes");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
    }
  }

  /** Polls every node until it reports cluster_state:ok. */
  private void awaitOk() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int port : ports) {
      while (!cli(port, "cluster", "info").contains("cluster_state:ok")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the cluster did not become ok: " + cli(port, "cluster", "info"));
        }
        Thread.sleep(50);
      }
    }
  }

  /** Runs redis-cli against one node and answers its output. */
  static String cli(int port, String... args) throws Exception {
    var command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (InputStream in = p.getInputStream()) {
      String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    }
  }

  /** The comma-separated URL list a kv service names for this cluster. */
  String url() {
    var b = new StringBuilder();
    for (int port : ports) {
      b.append(b.isEmpty() ? "" : ",").append("redis://127.0.0.1:").append(port);
    }
    return b.toString();
  }

  /** Kills one node (SIGKILL). */
  void kill(int index) throws InterruptedException {
    Process p = processes.get(index);
    p.destroyForcibly();
    p.waitFor(20, TimeUnit.SECONDS);
  }

  @Override public void close() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      p.waitFor(20, TimeUnit.SECONDS);
    }
  }
}
