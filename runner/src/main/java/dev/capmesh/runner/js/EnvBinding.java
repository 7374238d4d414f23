package dev.capmesh.runner.js;

import static java.util.Objects.requireNonNull;

import dev.capmesh.runner.kv.KvNamespace;
import dev.capmesh.crypto.ConfigKeys;
import dev.capmesh.crypto.CryptoKeyObject;
import dev.capmesh.runner.service.HttpService;
import dev.capmesh.runner.storage.ObjectBucket;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One entry of a worker's {@code env}: what {@code env.NAME} is inside the worker. */
public sealed interface EnvBinding {

  /** A string. */
  record Text(String value) implements EnvBinding {
    public Text {
      requireNonNull(value, "value");
    }
  }

  /** A JSON value, given as its source text and parsed in each context. */
  record Json(String json) implements EnvBinding {
    public Json {
      requireNonNull(json, "json");
    }
  }

  /** An ArrayBuffer with these bytes (a fresh copy per context). */
  record Data(byte[] bytes) implements EnvBinding {
    public Data {
      bytes = bytes.clone();
    }

    @Override public byte[] bytes() {
      return bytes.clone();
    }
  }

  /**
   * {@code null}: what a {@code fromEnvironment} binding gives when its variable is not set, as
   * in workerd.
   */
  record Null() implements EnvBinding {}

  /** A string whose value the runtime replaces by {@code [REDACTED]} in every log and error. */
  record Secret(String value) implements EnvBinding {
    public Secret {
      requireNonNull(value, "value");
    }

    @Override public String toString() {
      return "Secret[value=[REDACTED]]";
    }
  }

  /**
   * A Fetcher for another service. When {@code target} is a {@link JsWorker}, the binding also
   * offers JS RPC to its {@code WorkerEntrypoint} named {@code entrypoint} (null: the default
   * export), and {@code propsJson} (a JSON object, or null for {@code {}}) becomes the target's
   * {@code ctx.props}.
   */
  record Service(HttpService target, @Nullable String entrypoint, @Nullable String propsJson)
      implements EnvBinding {
    public Service {
      requireNonNull(target, "target");
    }

    /** A plain binding to {@code target}'s default entrypoint. */
    public static Service of(HttpService target) {
      return new Service(target, null, null);
    }
  }

  /**
   * A KVNamespace ({@code env.KV}) on {@code namespace}. The worker sees only the methods of
   * Workers KV; the store, its location and its credentials stay in the runner.
   */
  record Kv(KvNamespace namespace) implements EnvBinding {
    public Kv {
      requireNonNull(namespace, "namespace");
    }
  }

  /**
   * A KVNamespace served by another service through workerd's KV HTTP protocol (GET/PUT/DELETE
   * of {@code /KEY?urlencoded=true}, list as {@code GET /?prefix=&key_count_limit=&cursor=}).
   */
  record KvHttp(HttpService target) implements EnvBinding {
    public KvHttp {
      requireNonNull(target, "target");
    }
  }

  /**
   * An R2Bucket ({@code env.STORAGE}) on {@code bucket}. The worker sees only the methods of the
   * Workers R2 API; where the objects live, and any credentials, stay in the runner.
   */
  record Storage(ObjectBucket bucket) implements EnvBinding {
    public Storage {
      requireNonNull(bucket, "bucket");
    }
  }

  /**
   * A WebCrypto {@code CryptoKey}: {@code env.NAME} is a CryptoKey usable with exactly its
   * usages, whose material stays in Java (each context gets its own CryptoKey object over the
   * same immutable key).
   */
  record CryptoKey(CryptoKeyObject key) implements EnvBinding {
    public CryptoKey {
      requireNonNull(key, "key");
    }

    /**
     * The key a config declares; IllegalArgumentException naming what is wrong (never the key
     * data) when it is malformed or a usage does not fit the algorithm.
     *
     * @param format raw, hex, base64, pkcs8, spki or jwk
     * @param keyData the bytes for raw, else the key's text (hex, base64, PEM, JWK JSON) in UTF-8
     * @param algorithm a name, or the algorithm object as JSON when {@code algorithmIsJson}
     */
    public static CryptoKey of(String format, byte[] keyData, String algorithm, boolean algorithmIsJson,
        boolean extractable, List<String> usages) {
      return new CryptoKey(ConfigKeys.create(format, keyData, algorithm, algorithmIsJson, extractable, usages));
    }

    /** Why {@link #of} would refuse these inputs, or null: for {@code check}. */
    public static @Nullable String check(String format, byte[] keyData, String algorithm, boolean algorithmIsJson,
        boolean extractable, List<String> usages) {
      return ConfigKeys.validate(format, keyData, algorithm, algorithmIsJson, extractable, usages);
    }
  }
}
