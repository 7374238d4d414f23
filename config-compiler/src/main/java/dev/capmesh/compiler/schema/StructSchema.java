package dev.capmesh.compiler.schema;

import dev.capmesh.compiler.source.Span;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A struct, or a group inside one, with its fields and computed layout.
 *
 * <p>The schema loader adds fields and computes the layout; afterwards it is read-only and safe
 * to share between threads.
 */
public final class StructSchema {
  private final String qualifiedName;
  private final Span span;
  private final @Nullable StructSchema parent;
  private final List<FieldSchema> fields = new ArrayList<>();
  private final Map<String, FieldSchema> byName = new LinkedHashMap<>();
  private int dataWordCount;
  private int pointerCount;
  private int discriminantCount;
  private int discriminantOffset = -1;

  /** Creates a struct ({@code parent == null}) or a group inside {@code parent}. */
  public StructSchema(String qualifiedName, Span span, @Nullable StructSchema parent) {
    this.qualifiedName = qualifiedName;
    this.span = span;
    this.parent = parent;
  }

  /** Dotted name within its file ({@code Worker.Binding}); groups get their field path. */
  public String qualifiedName() {
    return qualifiedName;
  }

  /** Short name: the last component of the qualified name. */
  public String simpleName() {
    int dot = qualifiedName.lastIndexOf('.');
    return dot < 0 ? qualifiedName : qualifiedName.substring(dot + 1);
  }

  /** Where it is declared. */
  public Span span() {
    return span;
  }

  /** Whether this is a group (which shares its top-level struct's sections). */
  public boolean isGroup() {
    return parent != null;
  }

  /** The struct or group that contains this group; null for a struct. */
  public @Nullable StructSchema parent() {
    return parent;
  }

  /** The struct whose sections this struct or group lives in. */
  public StructSchema top() {
    StructSchema s = this;
    while (s.parent != null) {
      s = s.parent;
    }
    return s;
  }

  /** Fields in declaration order. */
  public List<FieldSchema> fields() {
    return Collections.unmodifiableList(fields);
  }

  /** The field called {@code name}, or null. */
  public @Nullable FieldSchema field(String name) {
    return byName.get(name);
  }

  /** The members of the unnamed union, in declaration order. */
  public List<FieldSchema> unionMembers() {
    var out = new ArrayList<FieldSchema>();
    for (FieldSchema f : fields) {
      if (f.isUnionMember()) {
        out.add(f);
      }
    }
    return out;
  }

  /** Data section size in 64-bit words (of the top-level struct for a group). */
  public int dataWordCount() {
    return top().dataWordCount;
  }

  /** Pointer section size (of the top-level struct for a group). */
  public int pointerCount() {
    return top().pointerCount;
  }

  /** How many members the unnamed union has (0 if none). */
  public int discriminantCount() {
    return discriminantCount;
  }

  /** Offset of the union discriminant in 16-bit units, or -1 if there is no union. */
  public int discriminantOffset() {
    return discriminantOffset;
  }

  FieldSchema addField(String name, int ordinal, Span span, @Nullable TypeRef type,
      @Nullable StructSchema group) {
    var field = new FieldSchema(this, name, fields.size(), ordinal, span, type, group);
    fields.add(field);
    byName.putIfAbsent(name, field);
    return field;
  }

  void setSections(int dataWordCount, int pointerCount) {
    this.dataWordCount = dataWordCount;
    this.pointerCount = pointerCount;
  }

  void setDiscriminant(int count, int offset) {
    this.discriminantCount = count;
    this.discriminantOffset = offset;
  }

  @Override
  public String toString() {
    return qualifiedName;
  }
}
