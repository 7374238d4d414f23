package dev.capmesh.schema.model;

/**
 * One entry of a worker's {@code env}.
 *
 * @param name the property name in {@code env}
 * @param kind what it holds
 */
public record Binding(String name, BindingKind kind) {
  public Binding {
    Checks.nonNull(name, "name");
    Checks.nonNull(kind, "kind");
  }
}
