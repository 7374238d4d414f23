package dev.capmesh.compiler.model;

import static java.util.Objects.requireNonNull;

import dev.capmesh.compiler.source.Span;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where each model object came from: a side table from model objects (by identity, since equal
 * records written in two places are two objects) to the span of their text and of their fields.
 *
 * <p>The model itself stays free of compiler types; the resolver and the CLI look positions up
 * here to point errors at the source. Not thread-safe while being filled; read-only afterwards.
 */
public final class ModelSpans {
  private final Map<Object, Map<String, Span>> spans = new IdentityHashMap<>();
  private final Span fallback;

  /** An empty table; objects it does not know are reported at {@code fallback}. */
  public ModelSpans(Span fallback) {
    this.fallback = requireNonNull(fallback, "fallback");
  }

  /** Records that {@code object} was written at {@code span}. */
  public void put(Object object, Span span) {
    put(object, "", span);
  }

  /** Records that field {@code field} of {@code object} was written at {@code span}. */
  public void put(Object object, String field, Span span) {
    spans.computeIfAbsent(object, k -> new HashMap<>()).put(field, span);
  }

  /** Gives {@code copy} the same positions as {@code original} (for objects rebuilt later). */
  public void copy(Object original, Object copy) {
    Map<String, Span> known = spans.get(original);
    if (known != null && original != copy) {
      spans.computeIfAbsent(copy, k -> new HashMap<>()).putAll(known);
    }
  }

  /** Where {@code object} was written, or the fallback (the start of the config). */
  public Span of(@Nullable Object object) {
    Span s = find(object, "");
    return s != null ? s : fallback;
  }

  /** Where field {@code field} of {@code object} was written, else where the object was. */
  public Span of(@Nullable Object object, String field) {
    Span s = find(object, field);
    return s != null ? s : of(object);
  }

  /** Whether field {@code field} of {@code object} was written explicitly. */
  public boolean has(@Nullable Object object, String field) {
    return find(object, field) != null;
  }

  private @Nullable Span find(@Nullable Object object, String field) {
    if (object == null) {
      return null;
    }
    Map<String, Span> known = spans.get(object);
    return known == null ? null : known.get(field);
  }
}
