package dev.capmesh.controlplane.cli;

import dev.capmesh.controlplane.ControlPlaneServer;
import dev.capmesh.controlplane.store.ControlStore;
import dev.capmesh.controlplane.store.FileStore;
import dev.capmesh.controlplane.store.RedisStore;
import dev.capmesh.controlplane.store.StoreException;
import dev.capmesh.controlplane.token.FleetTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code control-plane serve}: runs a control plane until it is stopped (SIGTERM, Ctrl-C). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run a control plane: agents subscribe to their fleet's plans; operators push.",
        "Fleets and their agents' bootstrap tokens come from --tokens FILE (lines fleet=token) "
            + "or the CAPMESH_FLEET_TOKENS environment variable; never from the command line."})
final class ServeCommand implements Callable<Integer> {
  @ParentCommand ControlPlaneMain main;

  @Option(names = "--data", paramLabel = "DIR",
      description = "where plans, fleets, runners and rollouts are kept (the file store)")
  @Nullable Path data;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7700",
      description = "address to listen on (default: ${DEFAULT-VALUE})")
  String listen;

  @Option(names = "--store", paramLabel = "URI", defaultValue = "file",
      description = "file (under --data, the default) or redis://HOST:PORT/DB to share state "
          + "between several control planes (one leads rollouts; another takes over when it dies)")
  String store;

  @Option(names = "--key-prefix", paramLabel = "PREFIX", defaultValue = "capmesh:",
      description = "Redis key prefix (default: ${DEFAULT-VALUE})")
  String keyPrefix;

  @Option(names = "--tokens", paramLabel = "FILE",
      description = "fleets and bootstrap tokens, lines fleet=token (else $CAPMESH_FLEET_TOKENS)")
  @Nullable Path tokens;

  @Option(names = "--admin-token-file", paramLabel = "FILE",
      description = "the token operator calls must carry (else $CAPMESH_ADMIN_TOKEN; without "
          + "either, operator calls are not authenticated and only loopback is allowed)")
  @Nullable Path adminTokenFile;

  @Option(names = "--heartbeat-timeout", paramLabel = "DURATION", defaultValue = "15s",
      converter = Durations.class,
      description = "a runner silent this long is offline and its stream closed (default: ${DEFAULT-VALUE})")
  Duration heartbeatTimeout;

  @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
      description = "leader lease with a shared store (default: ${DEFAULT-VALUE})")
  Duration lease;

  @Option(names = "--instance-id", paramLabel = "ID",
      description = "this instance's name in logs and the leader key (default: random)")
  @Nullable String instanceId;

  @Override
  public Integer call() throws Exception {
    HostPort address = HostPort.parse(listen, "--listen");
    FleetTokens fleets = fleets();
    String admin = adminToken();
    if (admin == null && !address.address().getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("--listen " + listen + " is reachable from other hosts: "
          + "give --admin-token-file FILE (or set CAPMESH_ADMIN_TOKEN) so operator calls are "
          + "authenticated");
    }
    ControlStore st;
    try {
      st = openStore();
    } catch (StoreException e) {
      main.err.println("control-plane: " + e.getMessage());
      return ControlPlaneMain.REFUSED;
    }
    ControlPlaneServer.Builder b = ControlPlaneServer.builder(st).listen(address.address())
        .tokens(fleets).adminToken(admin).heartbeatTimeout(heartbeatTimeout).lease(lease);
    if (instanceId != null) {
      b.instance(instanceId);
    }
    ControlPlaneServer server;
    try {
      server = b.start();
    } catch (UncheckedIOException e) {
      st.close();
      main.err.println("control-plane: " + e.getMessage());
      return ControlPlaneMain.REFUSED;
    }
    main.serving = server;
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "control-plane-shutdown"));
    main.out.println("control-plane: listening on "
        + new HostPort(address.host(), server.port()) + " (store: " + st.describe() + "; fleets: "
        + String.join(", ", fleets.fleets().stream().sorted().toList()) + ")");
    main.out.flush();
    server.awaitTermination();
    return ControlPlaneMain.OK;
  }

  private FleetTokens fleets() throws IOException {
    FleetTokens t;
    if (tokens != null) {
      if (!Files.isRegularFile(tokens)) {
        throw new IllegalArgumentException("--tokens " + tokens + ": no such file");
      }
      t = FleetTokens.read(tokens);
    } else if (main.env.containsKey("CAPMESH_FLEET_TOKENS")) {
      t = FleetTokens.parse(main.env.get("CAPMESH_FLEET_TOKENS"), "$CAPMESH_FLEET_TOKENS");
    } else {
      throw new IllegalArgumentException("no fleets: give --tokens FILE (lines fleet=token) or "
          + "set CAPMESH_FLEET_TOKENS");
    }
    if (t.fleets().isEmpty()) {
      throw new IllegalArgumentException("no fleets: the tokens list no fleet=token line");
    }
    return t;
  }

  private @Nullable String adminToken() throws IOException {
    if (adminTokenFile != null) {
      if (!Files.isRegularFile(adminTokenFile)) {
        throw new IllegalArgumentException("--admin-token-file " + adminTokenFile + ": no such file");
      }
      String t = Files.readString(adminTokenFile).strip();
      if (t.isEmpty()) {
        throw new IllegalArgumentException("--admin-token-file " + adminTokenFile + " is empty");
      }
      return t;
    }
    String t = main.env.get("CAPMESH_ADMIN_TOKEN");
    return t == null || t.isBlank() ? null : t.strip();
  }

  private ControlStore openStore() {
    if (store.equals("file")) {
      if (data == null) {
        throw new IllegalArgumentException("--data DIR is required with the file store");
      }
      return FileStore.open(data);
    }
    if (store.startsWith("redis://") || store.startsWith("rediss://")) {
      return RedisStore.open(store, keyPrefix);
    }
    throw new IllegalArgumentException("--store " + store + " (expected: file or redis://HOST:PORT/DB)");
  }
}
