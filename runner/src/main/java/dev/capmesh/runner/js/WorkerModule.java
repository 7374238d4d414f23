package dev.capmesh.runner.js;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One module of a worker written in ES module syntax.
 *
 * @param name the module's name, which is also its path for imports ({@code "lib/util.js"} is
 *     imported as {@code "./lib/util.js"} from the main module or {@code "/lib/util.js"} from
 *     anywhere)
 * @param kind how the content is exposed to importers
 * @param content the module's bytes (UTF-8 text for every kind except {@link Kind#DATA})
 * @param namedExports for a {@link Kind#COMMON_JS} module, the properties of its
 *     {@code module.exports} that importers also see as named exports (workerd's
 *     {@code namedExports}); empty for other kinds
 */
public record WorkerModule(String name, Kind kind, byte[] content, List<String> namedExports) {

  /** How a module's content is exposed to code that imports it. */
  public enum Kind {
    /** JavaScript in ES module syntax. */
    ES_MODULE,
    /** Text; the default export is a string. */
    TEXT,
    /** Binary data; the default export is an ArrayBuffer. */
    DATA,
    /** JSON; the default export is the parsed value. */
    JSON,
    /**
     * JavaScript in CommonJS syntax ({@code module.exports}, {@code require}); the default
     * export is {@code module.exports} once the module has run.
     */
    COMMON_JS
  }

  public WorkerModule {
    requireNonNull(name, "name");
    requireNonNull(kind, "kind");
    content = requireNonNull(content, "content").clone();
    namedExports = List.copyOf(namedExports);
    if (kind != Kind.COMMON_JS && !namedExports.isEmpty()) {
      throw new IllegalArgumentException("namedExports: " + namedExports
          + " (expected: none for a " + kind + " module)");
    }
    if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains(":")) {
      throw new IllegalArgumentException(
          "name: " + name + " (expected: a relative module path without ':' or '\\')");
    }
  }

  /** A module without named exports. */
  public WorkerModule(String name, Kind kind, byte[] content) {
    this(name, kind, content, List.of());
  }

  /** A JavaScript ES module. */
  public static WorkerModule esModule(String name, String source) {
    return new WorkerModule(name, Kind.ES_MODULE, source.getBytes(StandardCharsets.UTF_8));
  }

  /** A text module. */
  public static WorkerModule text(String name, String text) {
    return new WorkerModule(name, Kind.TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A JSON module; {@code json} is its source text. */
  public static WorkerModule json(String name, String json) {
    return new WorkerModule(name, Kind.JSON, json.getBytes(StandardCharsets.UTF_8));
  }

  /** A CommonJS module; {@code namedExports} as in {@link WorkerModule}. */
  public static WorkerModule commonJs(String name, String source, String... namedExports) {
    return new WorkerModule(name, Kind.COMMON_JS, source.getBytes(StandardCharsets.UTF_8),
        List.of(namedExports));
  }

  /** A binary data module. */
  public static WorkerModule data(String name, byte[] data) {
    return new WorkerModule(name, Kind.DATA, data);
  }

  /** The content as a copy (the record keeps its own). */
  @Override public byte[] content() {
    return content.clone();
  }

  String text() {
    return new String(content, StandardCharsets.UTF_8);
  }

  @Override public boolean equals(Object o) {
    return o instanceof WorkerModule m && m.name.equals(name) && m.kind == kind
        && Arrays.equals(m.content, content) && m.namedExports.equals(namedExports);
  }

  @Override public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(content);
  }

  @Override public String toString() {
    return "WorkerModule[" + name + ", " + kind + ", " + content.length + " bytes]";
  }
}
