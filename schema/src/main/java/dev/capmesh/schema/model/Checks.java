package dev.capmesh.schema.model;

import java.util.List;
import java.util.Optional;

/** Argument checks shared by the model's compact constructors. */
final class Checks {
  private Checks() {}

  static <T> T nonNull(T value, String name) {
    if (value == null) {
      throw new NullPointerException(name);
    }
    return value;
  }

  static <T> List<T> list(List<T> value, String name) {
    return List.copyOf(nonNull(value, name));
  }

  static <T> Optional<T> opt(Optional<T> value, String name) {
    return nonNull(value, name);
  }
}
