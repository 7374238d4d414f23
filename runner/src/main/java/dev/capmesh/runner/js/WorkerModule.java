package dev.capmesh.runner.js;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One module of a worker written in ES module syntax.
 *
 * @param name the module's name, which is also its path for imports ({@code "lib/util.js"} is
 *     imported as {@code "./lib/util.js"} from the main module or {@code "/lib/util.js"} from
 *     anywhere)
 * @param kind how the content is exposed to importers
 * @param content the module's bytes (UTF-8 text for every kind except {@link Kind#DATA})
 */
public record WorkerModule(String name, Kind kind, byte[] content) {

  /** How a module's content is exposed to code that imports it. */
  public enum Kind {
    /** JavaScript in ES module syntax. */
    ES_MODULE,
    /** Text; the default export is a string. */
    TEXT,
    /** Binary data; the default export is an ArrayBuffer. */
    DATA,
    /** JSON; the default export is the parsed value. */
    JSON
  }

  public WorkerModule {
    requireNonNull(name, "name");
    requireNonNull(kind, "kind");
    content = requireNonNull(content, "content").clone();
    if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains(":")) {
      throw new IllegalArgumentException(
          "name: " + name + " (expected: a relative module path without ':' or '\\')");
    }
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
        && Arrays.equals(m.content, content);
  }

  @Override public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(content);
  }

  @Override public String toString() {
    return "WorkerModule[" + name + ", " + kind + ", " + content.length + " bytes]";
  }
}
