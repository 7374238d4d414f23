package dev.capmesh.runner.js;

import dev.capmesh.runner.kv.KvNamespace;
import dev.capmesh.crypto.CryptoKeyObject;
import dev.capmesh.runner.service.BodyStream;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.storage.ObjectBucket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.jspecify.annotations.Nullable;

/**
 * Opaque Java objects handed to the JS side. They have no members, so JavaScript can only pass
 * them back to the host hooks; since they exist only inside closures and private fields of the
 * runtime's own JS, worker code cannot obtain, copy or forge one.
 */
final class Handles {
  private Handles() {}

  /** An object with no visible members. */
  abstract static class Opaque implements ProxyObject {
    @Override public Object getMember(String key) {
      return null;
    }

    @Override public Object getMemberKeys() {
      return new String[0];
    }

    @Override public boolean hasMember(String key) {
      return false;
    }

    @Override public void putMember(String key, Value value) {
      throw new UnsupportedOperationException("read-only");
    }
  }

  /**
   * Where a Fetcher sends: an HTTP service, and for a worker target, the worker whose RPC
   * entrypoint it calls (looked up at each call: see {@link WorkerRef}). {@code binding} and
   * {@code kind} name it in {@link BindingUses} records.
   */
  static final class Target extends Opaque {
    /** What a target reached through a kvNamespace binding (workerd's KV protocol) is. */
    static final String KV_PROTOCOL = "kv";

    final HttpService http;
    final @Nullable WorkerRef rpcWorker;
    final @Nullable String entrypoint;
    final @Nullable String propsJson;
    final String binding;
    final String kind;

    Target(HttpService http, @Nullable WorkerRef rpcWorker, @Nullable String entrypoint,
        @Nullable String propsJson, String binding, String kind) {
      this.http = http;
      this.rpcWorker = rpcWorker;
      this.entrypoint = entrypoint;
      this.propsJson = propsJson;
      this.binding = binding;
      this.kind = kind;
    }
  }

  /** A Java body the JS side reads chunk by chunk. */
  static final class Body extends Opaque {
    final BodyStream stream;

    Body(BodyStream stream) {
      this.stream = stream;
    }
  }

  /** A KV namespace binding: the namespace and the binding's name (for error messages). */
  static final class Kv extends Opaque {
    final KvNamespace namespace;
    final String binding;

    Kv(KvNamespace namespace, String binding) {
      this.namespace = namespace;
      this.binding = binding;
    }
  }

  /** An r2Bucket binding: the bucket and the binding's name (for error messages). */
  static final class Storage extends Opaque {
    final ObjectBucket bucket;
    final String binding;

    Storage(ObjectBucket bucket, String binding) {
      this.bucket = bucket;
      this.binding = binding;
    }
  }

  static @Nullable Storage storage(Value v) {
    return v.isProxyObject() && v.asProxyObject() instanceof Storage s ? s : null;
  }

  static @Nullable Kv kv(Value v) {
    return v.isProxyObject() && v.asProxyObject() instanceof Kv k ? k : null;
  }

  /** A CryptoKey's Java side; the JS CryptoKey keeps it in a private field. */
  static final class Key extends Opaque {
    final CryptoKeyObject key;

    Key(CryptoKeyObject key) {
      this.key = key;
    }
  }

  static @Nullable Key key(Value v) {
    return v.isProxyObject() && v.asProxyObject() instanceof Key k ? k : null;
  }

  /** The state of one legacy-encoding {@code TextDecoder}. */
  static final class TextDecoder extends Opaque {
    final TextDecoders.Decoder decoder;

    TextDecoder(TextDecoders.Decoder decoder) {
      this.decoder = decoder;
    }
  }

  static @Nullable TextDecoder textDecoder(Value v) {
    return v.isProxyObject() && v.asProxyObject() instanceof TextDecoder d ? d : null;
  }

  static @Nullable Target target(Value v) {
    return v.isProxyObject() && v.asProxyObject() instanceof Target t ? t : null;
  }

  static @Nullable Body body(Value v) {
    return v.isProxyObject() && v.asProxyObject() instanceof Body b ? b : null;
  }

  /** Runs {@code onEnd} once when the body ended, failed or was cancelled. */
  static BodyStream notifying(BodyStream inner, Runnable onEnd) {
    var ended = new AtomicBoolean();
    Runnable end = () -> {
      if (ended.compareAndSet(false, true)) {
        onEnd.run();
      }
    };
    return new BodyStream() {
      @Override public CompletionStage<@Nullable ByteBuffer> read() {
        return inner.read().whenComplete((chunk, error) -> {
          if (chunk == null || error != null) {
            end.run();
          }
        });
      }

      @Override public void cancel() {
        inner.cancel();
        end.run();
      }

      @Override public long knownLength() {
        return inner.knownLength();
      }
    };
  }
}
