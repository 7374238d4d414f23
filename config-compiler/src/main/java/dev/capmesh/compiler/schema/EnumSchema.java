package dev.capmesh.compiler.schema;

import dev.capmesh.compiler.source.Span;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import org.jspecify.annotations.Nullable;

/** An enum declared in schema text: enumerant names by ordinal. Immutable. */
public final class EnumSchema {
  private final String qualifiedName;
  private final Span span;
  private final List<String> enumerants;
  private final Map<String, Integer> ordinals;

  /** Creates an enum; {@code enumerants.get(i)} is the name of ordinal {@code i}. */
  public EnumSchema(String qualifiedName, Span span, List<String> enumerants) {
    this.qualifiedName = qualifiedName;
    this.span = span;
    this.enumerants = List.copyOf(enumerants);
    var map = new LinkedHashMap<String, Integer>();
    for (int i = 0; i < enumerants.size(); i++) {
      map.put(enumerants.get(i), i);
    }
    this.ordinals = map;
  }

  /** Dotted name within its file, e.g. {@code Worker.Module.Type}. */
  public String qualifiedName() {
    return qualifiedName;
  }

  /** Where it is declared. */
  public Span span() {
    return span;
  }

  /** Enumerant names in ordinal order. */
  public List<String> enumerants() {
    return enumerants;
  }

  /** The ordinal of enumerant {@code name}, or null if there is none. */
  public @Nullable Integer ordinalOf(String name) {
    return ordinals.get(name);
  }

  @Override
  public String toString() {
    return qualifiedName;
  }
}
