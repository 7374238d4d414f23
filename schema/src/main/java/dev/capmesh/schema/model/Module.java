package dev.capmesh.schema.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One module of a worker. Text kinds keep their text, binary kinds ({@code data}, {@code wasm})
 * their bytes; {@link #text()} of a binary module is empty and {@link #bytes()} of a text module
 * is its UTF-8 encoding.
 *
 * @param name import specifier
 * @param type what kind of module
 * @param text the source text of a text module, else empty
 * @param binary the bytes of a binary module, else empty
 * @param namedExports for CommonJS modules: the names re-exported as ES named exports
 */
public record Module(String name, Type type, String text, byte[] binary, List<String> namedExports) {

  public Module {
    Checks.nonNull(name, "name");
    Checks.nonNull(type, "type");
    Checks.nonNull(text, "text");
    binary = Checks.nonNull(binary, "binary").clone();
    namedExports = Checks.list(namedExports, "namedExports");
    if (type.isBinary() ? !text.isEmpty() : binary.length != 0) {
      throw new IllegalArgumentException("module " + name + ": " + type
          + " (expected: text for text kinds, bytes for data and wasm)");
    }
  }

  /** A text module. */
  public static Module ofText(String name, Type type, String text) {
    return new Module(name, type, text, new byte[0], List.of());
  }

  /** A binary module. */
  public static Module ofBinary(String name, Type type, byte[] bytes) {
    return new Module(name, type, "", bytes, List.of());
  }

  /** The content as bytes: the binary content, or the UTF-8 text. A copy. */
  public byte[] bytes() {
    return type.isBinary() ? binary.clone() : text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] binary() {
    return binary.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Module m && m.name.equals(name) && m.type == type && m.text.equals(text)
        && Arrays.equals(m.binary, binary) && m.namedExports.equals(namedExports);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + type.hashCode();
  }

  @Override
  public String toString() {
    return "Module[" + name + ", " + type.schemaName() + "]";
  }

  /** workerd's module kinds, by schema member name. */
  public enum Type {
    ES_MODULE("esModule"),
    COMMON_JS_MODULE("commonJsModule"),
    TEXT("text"),
    DATA("data"),
    WASM("wasm"),
    JSON("json"),
    OBSOLETE("obsolete"),
    PYTHON_MODULE("pythonModule"),
    PYTHON_REQUIREMENT("obsoletePythonRequirement"),
    BUNDLED("bundled");

    private final String schemaName;

    Type(String schemaName) {
      this.schemaName = schemaName;
    }

    /** The member name in the schema. */
    public String schemaName() {
      return schemaName;
    }

    /** Whether the content is {@code Data} rather than {@code Text}. */
    public boolean isBinary() {
      return this == DATA || this == WASM;
    }
  }
}
