package dev.capmesh.compiler;

import static java.util.Objects.requireNonNull;

import dev.capmesh.compiler.eval.StructValue;
import dev.capmesh.compiler.eval.Value;
import dev.capmesh.compiler.schema.TypeRef;
import dev.capmesh.compiler.source.Source;
import dev.capmesh.compiler.source.Span;
import java.util.Map;

/**
 * A config file after parsing and evaluation, before resolution: the chosen {@code Config}
 * constant as a typed value tree, plus every top-level constant of the main file (for
 * {@code inherit = "someWorkerConst"} and for hints).
 *
 * @param source the main file
 * @param constName the name of the {@code Config} constant that was chosen
 * @param config its value
 * @param consts every top-level constant of the main file by name, in declaration order
 */
public record ParsedConfig(
    Source source, String constName, StructValue config, Map<String, Constant> consts) {

  public ParsedConfig {
    requireNonNull(source, "source");
    requireNonNull(constName, "constName");
    requireNonNull(config, "config");
    consts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(consts));
  }

  /**
   * One top-level constant.
   *
   * @param name its name
   * @param type its declared type
   * @param value its evaluated value
   * @param span where it is declared
   */
  public record Constant(String name, TypeRef type, Value value, Span span) {}
}
