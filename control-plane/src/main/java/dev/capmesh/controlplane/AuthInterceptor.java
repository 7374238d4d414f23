package dev.capmesh.controlplane;

import dev.capmesh.controlplane.token.FleetTokens;
import dev.capmesh.proto.v1.ControlPlaneGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code authorization: Bearer TOKEN}. Subscribe needs the token of some fleet (the
 * Hello then must name that token's fleet); operator calls need the admin token when one is
 * configured. Refusals are UNAUTHENTICATED and logged with the peer, never with the token.
 */
final class AuthInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(AuthInterceptor.class);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> TOKEN = Context.key("capmesh-token");
  static final Context.Key<String> PEER = Context.key("capmesh-peer");

  private final FleetTokens tokens;
  private final byte @Nullable [] adminToken;

  AuthInterceptor(FleetTokens tokens, @Nullable String adminToken) {
    this.tokens = tokens;
    this.adminToken = adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SocketAddress addr = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String peer = addr == null ? "unknown" : addr.toString();
    String header = headers.get(AUTHORIZATION);
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).strip() : null;
    String method = call.getMethodDescriptor().getFullMethodName();
    boolean subscribe = method.equals(ControlPlaneGrpc.getSubscribeMethod().getFullMethodName());
    String refusal = null;
    if (subscribe) {
      if (token == null) {
        refusal = "missing authorization: Bearer <fleet token>";
      } else if (!tokens.validForAny(token)) {
        refusal = "the token is not valid for any fleet";
      }
    } else if (adminToken != null) {
      if (token == null) {
        refusal = "missing authorization: Bearer <admin token>";
      } else if (!MessageDigest.isEqual(adminToken, token.getBytes(StandardCharsets.UTF_8))) {
        refusal = "wrong admin token";
      }
    }
    if (refusal != null) {
      log.warn("refused call method={} peer={}: {}", method, peer, refusal);
      call.close(Status.UNAUTHENTICATED.withDescription(refusal), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Context ctx = Context.current().withValue(TOKEN, token == null ? "" : token)
        .withValue(PEER, peer);
    return Contexts.interceptCall(ctx, call, headers, next);
  }
}
