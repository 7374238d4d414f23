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
      int port = RedisServerProcess.freePort();
      Path nodeDir = Files.createDirectories(dir.resolve("node-" + port));
      Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
          "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
          "--save", "", "--appendonly", "no", "--protected-mode", "no")
          .directory(nodeDir.toFile()).redirectErrorStream(true)
          .redirectOutput(nodeDir.resolve("log.txt").toFile()).start();
      processes.add(p);
      ports.add(port);
      waitForPort(port, p);
    }
  }

  private static void waitForPort(int port, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (var s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          throw new IllegalStateException("redis-server (cluster node) did not start on port " + port, e);
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
