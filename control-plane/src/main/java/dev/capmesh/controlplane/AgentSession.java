package dev.capmesh.controlplane;

import dev.capmesh.controlplane.store.RunnerRecord;
import dev.capmesh.proto.v1.PlanUpdate;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import org.jspecify.annotations.Nullable;

/** One agent's Subscribe stream and what was sent on it. Used only on the hub's thread. */
final class AgentSession {
  final ServerCallStreamObserver<PlanUpdate> out;
  final String token;
  final String peer;
  final long openedMs;
  long lastSeenMs;
  boolean closed;
  /** Set by the Hello. */
  @Nullable RunnerRecord record;
  int maxFormat;
  /** The version this runner serves, as far as this stream knows. */
  String serving = "";
  /** The nonce of the update awaiting an ACK or NACK, and its version. */
  @Nullable String nonce;
  String sentVersion = "";
  /** The version it last refused, and the rollout then in progress (resent in a new rollout). */
  String refused = "";
  String refusedRollout = "";

  AgentSession(ServerCallStreamObserver<PlanUpdate> out, String token, String peer, long now) {
    this.out = out;
    this.token = token;
    this.peer = peer;
    this.openedMs = now;
    this.lastSeenMs = now;
  }

  String fleet() {
    return record == null ? "" : record.fleet();
  }

  String id() {
    return record == null ? "" : record.id();
  }

  void send(PlanUpdate u) {
    if (!closed) {
      out.onNext(u);
    }
  }

  /** Ends the stream with {@code status} (not OK) unless it ended already. */
  void fail(Status status) {
    if (!closed) {
      closed = true;
      try {
        out.onError(status.asRuntimeException());
      } catch (IllegalStateException ignored) {
        // the call was already cancelled
      }
    }
  }

  void complete() {
    if (!closed) {
      closed = true;
      try {
        out.onCompleted();
      } catch (IllegalStateException ignored) {
        // the call was already cancelled
      }
    }
  }
}
