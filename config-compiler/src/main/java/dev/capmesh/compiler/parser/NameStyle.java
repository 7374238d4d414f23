package dev.capmesh.compiler.parser;

import dev.capmesh.compiler.Diagnostics;
import dev.capmesh.compiler.ast.Decl;
import dev.capmesh.compiler.ast.Expr;
import dev.capmesh.compiler.source.Span;
import java.util.List;

/**
 * The naming rules the reference compiler enforces, with its messages: type names (structs,
 * enums, interfaces, imported files) begin with a capital letter, every other name (constants,
 * fields, groups, unions, enumerants, annotations) with a lower-case letter, and no declared name
 * contains an underscore. workerd loads configs with that compiler, so it refuses a config that
 * breaks them ({@code const ReplServer :Workerd.Config}). A {@code using} alias of anything but
 * an import is not checked: whether it names a type is only known after evaluation.
 */
final class NameStyle {
  static final String TYPE = "Type names must begin with a capital letter.";
  static final String NON_TYPE = "Non-type names must begin with a lower-case letter.";
  static final String UNDERSCORE = "Cap'n Proto declaration names should use camelCase and must not "
      + "contain underscores. (Code generators may convert names to the appropriate style for the "
      + "target language.)";

  private final Diagnostics diagnostics;

  private NameStyle(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  static void check(List<Decl> decls, Diagnostics diagnostics) {
    new NameStyle(diagnostics).decls(decls);
  }

  private void decls(List<Decl> decls) {
    for (Decl d : decls) {
      switch (d) {
        case Decl.Using u -> {
          if (u.target() instanceof Expr.Import) {
            name(u.name(), u.nameSpan(), true);
          }
        }
        case Decl.Const c -> name(c.name(), c.nameSpan(), false);
        case Decl.Annotation a -> name(a.name(), a.nameSpan(), false);
        case Decl.Struct s -> {
          name(s.name(), s.nameSpan(), true);
          members(s.members());
          decls(s.nested());
        }
        case Decl.Enum e -> {
          name(e.name(), e.nameSpan(), true);
          for (Decl.Enumerant en : e.enumerants()) {
            name(en.name(), en.nameSpan(), false);
          }
        }
        case Decl.Interface i -> {
          name(i.name(), i.nameSpan(), true);
          decls(i.nested());
        }
      }
    }
  }

  private void members(List<Decl.Member> members) {
    for (Decl.Member m : members) {
      if (!m.name().isEmpty()) {
        name(m.name(), m.nameSpan(), false);
      }
      switch (m) {
        case Decl.Union u -> members(u.members());
        case Decl.Group g -> members(g.members());
        case Decl.Field f -> { }
      }
    }
  }

  private void name(String name, Span at, boolean type) {
    if (name.isEmpty()) {
      return;
    }
    char first = name.charAt(0);
    if (type && !Character.isUpperCase(first)) {
      diagnostics.error(at, TYPE, "write '" + camel(Character.toUpperCase(first) + name.substring(1)) + "'");
    } else if (!type && !Character.isLowerCase(first)) {
      diagnostics.error(at, NON_TYPE, "write '" + camel(Character.toLowerCase(first) + name.substring(1)) + "'");
    }
    if (name.indexOf('_') >= 0) {
      String fixed = camel(name);
      if (!fixed.isEmpty()) {
        char head = type ? Character.toUpperCase(fixed.charAt(0)) : Character.toLowerCase(fixed.charAt(0));
        fixed = head + fixed.substring(1);
      }
      diagnostics.error(at, UNDERSCORE, fixed.isEmpty() ? null : "write '" + fixed + "'");
    }
  }

  /** {@code my_worker} as {@code myWorker}: underscores dropped, the letter after one capitalized. */
  private static String camel(String name) {
    var out = new StringBuilder();
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (c == '_') {
        upper = out.length() > 0;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }
}
