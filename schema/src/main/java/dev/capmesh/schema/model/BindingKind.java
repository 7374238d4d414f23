package dev.capmesh.schema.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a binding holds: one member of workerd's {@code Worker.Binding} union, plus capmesh's
 * {@code secret}. Kinds the runner does not implement are still modelled so that it can refuse
 * them by name.
 */
public sealed interface BindingKind {

  /** The schema member name ({@code text}, {@code kvNamespace}, ...). */
  String kindName();

  /**
   * The parameter type this binding fills, or {@link BindingType#UNSPECIFIED} when it cannot
   * fill any (a parameter itself, {@code unsafeEval}, ...). Text-like bindings ({@code text},
   * {@code secret}, {@code fromEnvironment}) all fill a {@code text} parameter.
   */
  BindingType type();

  /** The service this binding designates, if it designates one. */
  default Optional<ServiceDesignator> designator() {
    return Optional.empty();
  }

  /** No member was set. */
  record Unspecified() implements BindingKind {
    @Override public String kindName() {
      return "unspecified";
    }

    @Override public BindingType type() {
      return BindingType.UNSPECIFIED;
    }
  }

  /**
   * An abstract binding that a derived worker must fill.
   *
   * @param expected the type of binding that fills it
   * @param cryptoKeyUsages for {@code cryptoKey} parameters: the usages the key must allow
   * @param optional whether the worker runs without it
   */
  record Parameter(BindingType expected, List<KeyUsage> cryptoKeyUsages, boolean optional)
      implements BindingKind {
    public Parameter {
      Checks.nonNull(expected, "expected");
      cryptoKeyUsages = Checks.list(cryptoKeyUsages, "cryptoKeyUsages");
    }

    @Override public String kindName() {
      return "parameter";
    }

    @Override public BindingType type() {
      return BindingType.UNSPECIFIED;
    }
  }

  /** A string. */
  record Text(String value) implements BindingKind {
    public Text {
      Checks.nonNull(value, "value");
    }

    @Override public String kindName() {
      return "text";
    }

    @Override public BindingType type() {
      return BindingType.TEXT;
    }
  }

  /** A string that is redacted from logs (capmesh extension). */
  record Secret(String value) implements BindingKind {
    public Secret {
      Checks.nonNull(value, "value");
    }

    @Override public String kindName() {
      return "secret";
    }

    @Override public BindingType type() {
      return BindingType.TEXT;
    }

    @Override public String toString() {
      return "Secret[<redacted>]";
    }
  }

  /** A string read from the runner's environment variable {@code variable}. */
  record FromEnvironment(String variable) implements BindingKind {
    public FromEnvironment {
      Checks.nonNull(variable, "variable");
    }

    @Override public String kindName() {
      return "fromEnvironment";
    }

    @Override public BindingType type() {
      return BindingType.TEXT;
    }
  }

  /** Bytes, seen as an ArrayBuffer. */
  record Data(byte[] bytes) implements BindingKind {
    public Data {
      bytes = Checks.nonNull(bytes, "bytes").clone();
    }

    @Override public byte[] bytes() {
      return bytes.clone();
    }

    @Override public String kindName() {
      return "data";
    }

    @Override public BindingType type() {
      return BindingType.DATA;
    }

    @Override public boolean equals(Object o) {
      return o instanceof Data d && Arrays.equals(d.bytes, bytes);
    }

    @Override public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override public String toString() {
      return "Data[" + bytes.length + " bytes]";
    }
  }

  /** JSON text, seen parsed. */
  record Json(String json) implements BindingKind {
    public Json {
      Checks.nonNull(json, "json");
    }

    @Override public String kindName() {
      return "json";
    }

    @Override public BindingType type() {
      return BindingType.JSON;
    }
  }

  /** A compiled WebAssembly module (service-worker syntax). */
  record WasmModule(byte[] bytes) implements BindingKind {
    public WasmModule {
      bytes = Checks.nonNull(bytes, "bytes").clone();
    }

    @Override public byte[] bytes() {
      return bytes.clone();
    }

    @Override public String kindName() {
      return "wasmModule";
    }

    @Override public BindingType type() {
      return BindingType.WASM;
    }

    @Override public boolean equals(Object o) {
      return o instanceof WasmModule d && Arrays.equals(d.bytes, bytes);
    }

    @Override public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  /**
   * A WebCrypto key.
   *
   * @param format {@code raw}, {@code hex}, {@code base64}, {@code pkcs8}, {@code spki} or
   *     {@code jwk}
   * @param keyData the key material: for {@code raw} the bytes, else the text as written
   * @param algorithm the algorithm: a name ({@code HMAC}) or JSON text
   * @param algorithmIsJson whether {@code algorithm} is JSON
   * @param extractable whether {@code exportKey} may return it
   * @param usages what {@code crypto.subtle} may do with it
   */
  record CryptoKey(String format, byte[] keyData, String algorithm, boolean algorithmIsJson,
      boolean extractable, List<KeyUsage> usages) implements BindingKind {
    public CryptoKey {
      Checks.nonNull(format, "format");
      keyData = Checks.nonNull(keyData, "keyData").clone();
      Checks.nonNull(algorithm, "algorithm");
      usages = Checks.list(usages, "usages");
    }

    @Override public byte[] keyData() {
      return keyData.clone();
    }

    @Override public String kindName() {
      return "cryptoKey";
    }

    @Override public BindingType type() {
      return BindingType.CRYPTO_KEY;
    }

    @Override public boolean equals(Object o) {
      return o instanceof CryptoKey k && k.format.equals(format) && Arrays.equals(k.keyData, keyData)
          && k.algorithm.equals(algorithm) && k.algorithmIsJson == algorithmIsJson
          && k.extractable == extractable && k.usages.equals(usages);
    }

    @Override public int hashCode() {
      return algorithm.hashCode() * 31 + usages.hashCode();
    }

    @Override public String toString() {
      return "CryptoKey[" + format + ", " + algorithm + ", usages=" + usages + ", <redacted>]";
    }
  }

  /** A Fetcher (and JS RPC stub) for another service. */
  record Service(ServiceDesignator service) implements BindingKind {
    public Service {
      Checks.nonNull(service, "service");
    }

    @Override public String kindName() {
      return "service";
    }

    @Override public BindingType type() {
      return BindingType.SERVICE;
    }

    @Override public Optional<ServiceDesignator> designator() {
      return Optional.of(service);
    }
  }

  /** A KV namespace backed by a {@code kv} service. */
  record KvNamespace(ServiceDesignator service) implements BindingKind {
    public KvNamespace {
      Checks.nonNull(service, "service");
    }

    @Override public String kindName() {
      return "kvNamespace";
    }

    @Override public BindingType type() {
      return BindingType.KV_NAMESPACE;
    }

    @Override public Optional<ServiceDesignator> designator() {
      return Optional.of(service);
    }
  }

  /** An R2 bucket backed by a {@code storage} service. */
  record R2Bucket(ServiceDesignator service) implements BindingKind {
    public R2Bucket {
      Checks.nonNull(service, "service");
    }

    @Override public String kindName() {
      return "r2Bucket";
    }

    @Override public BindingType type() {
      return BindingType.R2_BUCKET;
    }

    @Override public Optional<ServiceDesignator> designator() {
      return Optional.of(service);
    }
  }

  /**
   * A Durable Object namespace.
   *
   * @param className the exported class
   * @param serviceName the worker service exporting it; empty means this worker
   */
  record DurableObjectNamespace(String className, Optional<String> serviceName)
      implements BindingKind {
    public DurableObjectNamespace {
      Checks.nonNull(className, "className");
      Checks.opt(serviceName, "serviceName");
    }

    @Override public String kindName() {
      return "durableObjectNamespace";
    }

    @Override public BindingType type() {
      return BindingType.DURABLE_OBJECT_NAMESPACE;
    }

    @Override public Optional<ServiceDesignator> designator() {
      return serviceName.map(ServiceDesignator::of);
    }
  }

  /**
   * One of workerd's designator-shaped kinds capmesh does not implement yet:
   * {@code durableObjectClass}, {@code queue}, {@code analyticsEngine}, {@code obsolete0}.
   */
  record OtherDesignated(String kindName, BindingType type, ServiceDesignator service)
      implements BindingKind {
    public OtherDesignated {
      Checks.nonNull(kindName, "kindName");
      Checks.nonNull(type, "type");
      Checks.nonNull(service, "service");
    }

    @Override public Optional<ServiceDesignator> designator() {
      return Optional.of(service);
    }
  }

  /** A Hyperdrive database binding (not implemented by the runner). */
  record Hyperdrive(ServiceDesignator service, String database, String user, String password,
      String scheme) implements BindingKind {
    public Hyperdrive {
      Checks.nonNull(service, "service");
      Checks.nonNull(database, "database");
      Checks.nonNull(user, "user");
      Checks.nonNull(password, "password");
      Checks.nonNull(scheme, "scheme");
    }

    @Override public String kindName() {
      return "hyperdrive";
    }

    @Override public BindingType type() {
      return BindingType.HYPERDRIVE;
    }

    @Override public Optional<ServiceDesignator> designator() {
      return Optional.of(service);
    }

    @Override public String toString() {
      return "Hyperdrive[" + service + ", " + database + ", <redacted>]";
    }
  }

  /**
   * A binding built by a JS module from inner bindings (not implemented by the runner).
   *
   * @param moduleName the extension module
   * @param entrypoint the exported function
   * @param innerBindings what the function receives
   */
  record Wrapped(String moduleName, String entrypoint, List<Binding> innerBindings)
      implements BindingKind {
    public Wrapped {
      Checks.nonNull(moduleName, "moduleName");
      Checks.nonNull(entrypoint, "entrypoint");
      innerBindings = Checks.list(innerBindings, "innerBindings");
    }

    @Override public String kindName() {
      return "wrapped";
    }

    @Override public BindingType type() {
      return BindingType.UNSPECIFIED;
    }
  }

  /**
   * A member without settings worth modelling ({@code unsafeEval}, {@code workerdDebugPort},
   * {@code memoryCache}, {@code workerLoader}); the runner refuses these by name.
   *
   * @param kindName the schema member name
   * @param type the parameter type it fills, if any
   * @param id the {@code id} of a memory cache or worker loader, else empty
   */
  record Other(String kindName, BindingType type, Optional<String> id) implements BindingKind {
    public Other {
      Checks.nonNull(kindName, "kindName");
      Checks.nonNull(type, "type");
      Checks.opt(id, "id");
    }
  }
}
