package dev.capmesh.compiler.eval;

import static java.util.Objects.requireNonNull;

import dev.capmesh.compiler.schema.FieldSchema;
import dev.capmesh.compiler.schema.StructSchema;
import dev.capmesh.compiler.source.Span;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A struct (or group) value: the fields that were set explicitly, in the order they were written,
 * plus the span of each assignment. Fields not set hold their schema default. Immutable.
 */
public final class StructValue implements Value {
  private final StructSchema type;
  private final Span span;
  private final Map<FieldSchema, Value> fields;
  private final Map<FieldSchema, Span> fieldSpans;

  private StructValue(StructSchema type, Span span, Map<FieldSchema, Value> fields,
      Map<FieldSchema, Span> fieldSpans) {
    this.type = type;
    this.span = span;
    this.fields = Collections.unmodifiableMap(fields);
    this.fieldSpans = Collections.unmodifiableMap(fieldSpans);
  }

  /** Starts a value of {@code type} written at {@code span}. */
  public static Builder builder(StructSchema type, Span span) {
    return new Builder(type, span);
  }

  /** The struct or group type. */
  public StructSchema type() {
    return type;
  }

  @Override
  public Span span() {
    return span;
  }

  /** Explicitly set fields, in the order written. */
  public Map<FieldSchema, Value> fields() {
    return fields;
  }

  /** The explicitly set value of field {@code name}, or null if it was not set. */
  public @Nullable Value get(String name) {
    FieldSchema f = type.field(name);
    return f == null ? null : fields.get(f);
  }

  /** Whether field {@code name} was set explicitly. */
  public boolean has(String name) {
    return get(name) != null;
  }

  /**
   * The value of field {@code name}: the explicit one, else the schema default, else null (for
   * a pointer field without a default, or an unknown name).
   */
  public @Nullable Value getOrDefault(String name) {
    FieldSchema f = type.field(name);
    if (f == null) {
      return null;
    }
    Value v = fields.get(f);
    return v != null ? v : f.defaultValue();
  }

  /**
   * The member of this struct's unnamed union that is set, or null when none was written (then
   * the member with discriminant 0 is the effective one on the wire).
   */
  public @Nullable FieldSchema which() {
    for (FieldSchema f : fields.keySet()) {
      if (f.isUnionMember()) {
        return f;
      }
    }
    return null;
  }

  /** Where {@code name = ...} was written, or the struct's own span if it was not. */
  public Span spanOf(String name) {
    FieldSchema f = type.field(name);
    Span s = f == null ? null : fieldSpans.get(f);
    return s != null ? s : span;
  }

  @Override
  public String toString() {
    var out = new StringBuilder("(");
    boolean first = true;
    for (var e : fields.entrySet()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      out.append(e.getKey().name()).append(" = ").append(e.getValue());
    }
    return out.append(')').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StructValue s && s.type == type && s.fields.equals(fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  /** Builds a {@link StructValue}. Not thread-safe. */
  public static final class Builder {
    private final StructSchema type;
    private final Span span;
    private final Map<FieldSchema, Value> fields = new LinkedHashMap<>();
    private final Map<FieldSchema, Span> spans = new LinkedHashMap<>();

    private Builder(StructSchema type, Span span) {
      this.type = requireNonNull(type, "type");
      this.span = requireNonNull(span, "span");
    }

    /** Sets {@code field} (which must belong to the type) as written at {@code at}. */
    public Builder set(FieldSchema field, Value value, Span at) {
      if (field.owner() != type) {
        throw new IllegalArgumentException(
            "field: " + field + " (expected: a field of " + type.qualifiedName() + ")");
      }
      fields.put(field, value);
      spans.put(field, at);
      return this;
    }

    /** The value already set for {@code field}, or null. */
    public @Nullable Value get(FieldSchema field) {
      return fields.get(field);
    }

    /** Where {@code field} was set, or null. */
    public @Nullable Span spanOf(FieldSchema field) {
      return spans.get(field);
    }

    /** Removes a field that was set (used when a union member replaces another). */
    public void remove(FieldSchema field) {
      fields.remove(field);
      spans.remove(field);
    }

    /** The member of the unnamed union set so far, or null. */
    public @Nullable FieldSchema unionMember() {
      for (FieldSchema f : fields.keySet()) {
        if (f.isUnionMember()) {
          return f;
        }
      }
      return null;
    }

    /** Fields set so far. */
    public List<FieldSchema> setFields() {
      return List.copyOf(fields.keySet());
    }

    /** Builds the immutable value. */
    public StructValue build() {
      return new StructValue(type, span, new LinkedHashMap<>(fields), new LinkedHashMap<>(spans));
    }
  }
}
