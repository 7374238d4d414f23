package dev.capmesh.schema.model;

/**
 * The members of workerd's {@code Worker.Binding.Type}: the type a {@code parameter} binding
 * declares, and the type a concrete binding has.
 */
public enum BindingType {
  UNSPECIFIED("unspecified"),
  TEXT("text"),
  DATA("data"),
  JSON("json"),
  WASM("wasm"),
  CRYPTO_KEY("cryptoKey"),
  SERVICE("service"),
  DURABLE_OBJECT_NAMESPACE("durableObjectNamespace"),
  KV_NAMESPACE("kvNamespace"),
  R2_BUCKET("r2Bucket"),
  OBSOLETE0("obsolete0"),
  QUEUE("queue"),
  ANALYTICS_ENGINE("analyticsEngine"),
  HYPERDRIVE("hyperdrive"),
  DURABLE_OBJECT_CLASS("durableObjectClass"),
  WORKERD_DEBUG_PORT("workerdDebugPort");

  private final String schemaName;

  BindingType(String schemaName) {
    this.schemaName = schemaName;
  }

  /** The member name in the schema. */
  public String schemaName() {
    return schemaName;
  }

  /** The type with schema member name {@code name}, or null. */
  public static @org.jspecify.annotations.Nullable BindingType bySchemaName(String name) {
    for (BindingType t : values()) {
      if (t.schemaName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
