package dev.capmesh.controlplane.cli;

import dev.capmesh.proto.v1.ControlPlaneGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The {@code --server} and {@code --token-file} options of the operator commands, and the connection. */
final class Remote {
  @Option(names = "--server", paramLabel = "HOST:PORT",
      description = "the control plane (default: $CAPMESH_SERVER, else 127.0.0.1:7700)")
  @Nullable String server;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "a file holding the admin token (default: $CAPMESH_ADMIN_TOKEN)")
  @Nullable Path tokenFile;

  private @Nullable ManagedChannel channel;
  private String where = "";

  String where() {
    return where;
  }

  /** A stub with the admin token attached, if there is one. */
  ControlPlaneGrpc.ControlPlaneBlockingStub connect(ControlPlaneMain main) throws IOException {
    String s = server != null ? server
        : main.env.getOrDefault("CAPMESH_SERVER", "127.0.0.1:7700");
    HostPort hp = HostPort.parse(s, "--server");
    where = hp.toString();
    String token = null;
    if (tokenFile != null) {
      if (!Files.isRegularFile(tokenFile)) {
        throw new IllegalArgumentException("--token-file " + tokenFile + ": no such file");
      }
      token = Files.readString(tokenFile).strip();
    } else if (main.env.get("CAPMESH_ADMIN_TOKEN") != null) {
      token = main.env.get("CAPMESH_ADMIN_TOKEN").strip();
    }
    channel = NettyChannelBuilder.forAddress(hp.host(), hp.port()).usePlaintext().build();
    Metadata md = new Metadata();
    if (token != null && !token.isEmpty()) {
      md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    return ControlPlaneGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
  }

  /** Prints {@code e} and returns the exit code it means. */
  int failed(ControlPlaneMain main, StatusRuntimeException e) {
    Status s = e.getStatus();
    if (s.getCode() == Status.Code.UNAVAILABLE || s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      String why = s.getDescription() == null ? s.getCode().toString() : s.getDescription();
      if (s.getCause() != null && s.getCause().getMessage() != null) {
        why += " (" + s.getCause().getMessage() + ")";
      }
      main.err.println("control-plane: cannot reach the control plane at " + where + ": " + why);
      return ControlPlaneMain.UNREACHABLE;
    }
    main.err.println("control-plane: refused (" + s.getCode() + "): " + s.getDescription());
    return ControlPlaneMain.REFUSED;
  }

  void close() {
    if (channel != null) {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
