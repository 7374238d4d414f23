package dev.capmesh.compiler.schema;

import dev.capmesh.compiler.Diagnostics;
import dev.capmesh.compiler.ast.Decl;
import dev.capmesh.compiler.ast.Expr;
import dev.capmesh.compiler.source.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns a parsed struct declaration into a {@link StructSchema}: creates its fields and groups,
 * numbers the union members and computes the layout exactly as the reference compiler does
 * (members visited in ordinal order; see {@link StructLayout}).
 */
public final class StructTranslator {

  /** Resolves a type expression, reporting its own errors; returns null if it failed. */
  public interface TypeResolver {
    @Nullable TypeRef resolve(Expr type);
  }

  /**
   * A field whose default value is still to be evaluated (the evaluator does it once every type
   * is known).
   */
  public record PendingDefault(FieldSchema field, Expr expr) {}

  private final TypeResolver types;
  private final Diagnostics diagnostics;
  private final List<Info> allMembers = new ArrayList<>();
  private final List<Info> byOrdinal = new ArrayList<>();
  private final List<PendingDefault> defaults = new ArrayList<>();

  /** Bookkeeping for one member while it is laid out. */
  private static final class Info {
    final @Nullable Info parent;
    final @Nullable FieldSchema field;
    final @Nullable StructSchema node;
    final boolean inUnion;
    final int ordinal;
    final @Nullable Span ordinalSpan;
    StructLayout.@Nullable Scope scope;
    StructLayout.@Nullable Union union;
    boolean touched;
    int discriminantCount;

    Info(@Nullable Info parent, @Nullable FieldSchema field, @Nullable StructSchema node,
        boolean inUnion, int ordinal, @Nullable Span ordinalSpan) {
      this.parent = parent;
      this.field = field;
      this.node = node;
      this.inUnion = inUnion;
      this.ordinal = ordinal;
      this.ordinalSpan = ordinalSpan;
    }
  }

  private StructTranslator(TypeResolver types, Diagnostics diagnostics) {
    this.types = types;
    this.diagnostics = diagnostics;
  }

  /**
   * Fills {@code target} (an empty struct schema) from {@code decl}. Returns the fields whose
   * written default values still need evaluating.
   */
  public static List<PendingDefault> translate(Decl.Struct decl, StructSchema target,
      TypeResolver types, Diagnostics diagnostics) {
    var translator = new StructTranslator(types, diagnostics);
    var top = new StructLayout.Top();
    var root = new Info(null, null, target, false, -1, null);
    translator.traverseTopOrGroup(decl.members(), root, target, top);
    translator.layOut(root, target, top);
    return translator.defaults;
  }

  private void traverseTopOrGroup(List<Decl.Member> members, Info parent, StructSchema node,
      StructLayout.Scope layout) {
    for (Decl.Member member : members) {
      switch (member) {
        case Decl.Field f -> {
          Info info = addSlot(f, parent, node, false);
          info.scope = layout;
        }
        case Decl.Union u when u.name().isEmpty() -> {
          var union = new StructLayout.Union(layout);
          parent.union = union;
          traverseUnion(u.members(), parent, node, union);
        }
        case Decl.Union u -> {
          Info info = addGroup(u.name(), u.nameSpan(), parent, node, false, u.ordinal());
          var union = new StructLayout.Union(layout);
          info.union = union;
          traverseUnion(u.members(), info, info.node, union);
        }
        case Decl.Group g -> {
          Info info = addGroup(g.name(), g.nameSpan(), parent, node, false, null);
          traverseTopOrGroup(g.members(), info, info.node, layout);
        }
      }
    }
  }

  private void traverseUnion(List<Decl.Member> members, Info parent, StructSchema node,
      StructLayout.Union union) {
    for (Decl.Member member : members) {
      switch (member) {
        case Decl.Field f -> {
          Info info = addSlot(f, parent, node, true);
          info.scope = new StructLayout.Group(union);
        }
        case Decl.Union u when u.name().isEmpty() ->
            diagnostics.error(u.nameSpan(), "Unions cannot contain unnamed unions.");
        case Decl.Union u -> {
          Info info = addGroup(u.name(), u.nameSpan(), parent, node, true, u.ordinal());
          var inner = new StructLayout.Union(new StructLayout.Group(union));
          info.union = inner;
          traverseUnion(u.members(), info, info.node, inner);
        }
        case Decl.Group g -> {
          Info info = addGroup(g.name(), g.nameSpan(), parent, node, true, null);
          traverseTopOrGroup(g.members(), info, info.node, new StructLayout.Group(union));
        }
      }
    }
  }

  private Info addSlot(Decl.Field f, Info parent, StructSchema node, boolean inUnion) {
    checkNewName(node, f.name(), f.nameSpan());
    TypeRef type = types.resolve(f.type());
    if (type == null) {
      type = TypeRef.of(PrimitiveKind.VOID);
    }
    FieldSchema field = node.addField(f.name(), f.ordinal(), f.nameSpan(), type, null);
    var info = new Info(parent, field, null, inUnion, f.ordinal(), f.ordinalSpan());
    allMembers.add(info);
    byOrdinal.add(info);
    if (f.defaultValue() != null) {
      defaults.add(new PendingDefault(field, f.defaultValue()));
    }
    return info;
  }

  private Info addGroup(String name, Span nameSpan, Info parent, StructSchema node,
      boolean inUnion, @Nullable Integer ordinal) {
    checkNewName(node, name, nameSpan);
    var group = new StructSchema(node.qualifiedName() + "." + name, nameSpan, node);
    FieldSchema field = node.addField(name, -1, nameSpan, null, group);
    var info = new Info(parent, field, group, inUnion, ordinal == null ? -1 : ordinal, nameSpan);
    allMembers.add(info);
    if (ordinal != null) {
      byOrdinal.add(info);
    }
    return info;
  }

  private void checkNewName(StructSchema node, String name, Span span) {
    // Names must be unique across the whole struct, groups included.
    StructSchema top = node.top();
    if (findAnywhere(top, name) != null) {
      diagnostics.error(span, "'" + name + "' is already defined in " + top.qualifiedName() + ".");
    }
  }

  private static @Nullable FieldSchema findAnywhere(StructSchema s, String name) {
    for (FieldSchema f : s.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** Marks a member as reached, giving it (and first its group) a discriminant value. */
  private static void touch(Info info) {
    if (info.touched) {
      return;
    }
    info.touched = true;
    Info parent = info.parent;
    if (parent.parent != null) {
      touch(parent);
    }
    if (info.inUnion) {
      info.field.setDiscriminantValue(parent.discriminantCount++);
    }
  }

  private void layOut(Info root, StructSchema target, StructLayout.Top top) {
    byOrdinal.sort(Comparator.comparingInt(i -> i.ordinal));
    int expected = 0;
    for (Info info : byOrdinal) {
      if (info.ordinal < expected) {
        diagnostics.error(info.ordinalSpan, "Duplicate ordinal number @" + info.ordinal + ".",
            "ordinals must be unique within a struct; the next free one is @" + expected);
      } else if (info.ordinal > expected) {
        diagnostics.error(info.ordinalSpan, "Skipped ordinal @" + expected
            + ". Ordinals must be sequential with no holes.");
        expected = info.ordinal + 1;
      } else {
        expected++;
      }
      touch(info);
      FieldSchema field = info.field;
      if (field.isGroup()) {
        // A named union with an explicit ordinal: its discriminant is placed now.
        if (!info.union.addDiscriminant()) {
          diagnostics.error(info.ordinalSpan, "Union ordinal, if specified, must be greater than "
              + "no more than one of its member ordinals.");
        }
        continue;
      }
      int lg = lgSize(field.type());
      if (lg == -2) {
        field.setOffset(info.scope.addPointer());
      } else if (lg == -1) {
        info.scope.addVoid();
        field.setOffset(0);
      } else {
        field.setOffset(info.scope.addData(lg));
      }
    }
    finishGroup(root);
    for (Info info : allMembers) {
      if (info.node != null) {
        finishGroup(info);
      }
    }
    target.setSections(top.dataWords, top.pointers);
  }

  private static void finishGroup(Info info) {
    if (info.union != null) {
      info.union.addDiscriminant();
      info.node.setDiscriminant(info.discriminantCount, info.union.discriminantOffset);
    }
  }

  /** lg2 of the size in bits; -1 for Void, -2 for pointers. */
  static int lgSize(TypeRef type) {
    return switch (type) {
      case TypeRef.Primitive p -> switch (p.kind().bits()) {
        case 0 -> -1;
        case 1 -> 0;
        case 8 -> 3;
        case 16 -> 4;
        case 32 -> 5;
        case 64 -> 6;
        default -> -2;
      };
      case TypeRef.Enum e -> 4;
      default -> -2;
    };
  }
}
