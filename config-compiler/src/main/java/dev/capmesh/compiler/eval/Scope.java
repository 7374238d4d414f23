package dev.capmesh.compiler.eval;

import dev.capmesh.compiler.source.Source;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A lexical scope: a file's top level or a struct body. Names are looked up here, then in the
 * enclosing scopes.
 */
final class Scope {
  final @Nullable Scope parent;
  final Source source;
  final @Nullable Path directory;
  final String prefix;
  final Map<String, Symbol> names = new LinkedHashMap<>();

  Scope(@Nullable Scope parent, Source source, @Nullable Path directory, String prefix) {
    this.parent = parent;
    this.source = source;
    this.directory = directory;
    this.prefix = prefix;
  }

  Source source() {
    return source;
  }

  /** The file's top scope. */
  Scope fileScope() {
    Scope s = this;
    while (s.parent != null) {
      s = s.parent;
    }
    return s;
  }

  /** Qualified name of a member called {@code name} declared here. */
  String qualify(String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }
}
