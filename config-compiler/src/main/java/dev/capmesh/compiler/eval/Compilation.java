package dev.capmesh.compiler.eval;

import dev.capmesh.compiler.Diagnostics;
import dev.capmesh.compiler.Suggestions;
import dev.capmesh.compiler.ast.Decl;
import dev.capmesh.compiler.ast.Expr;
import dev.capmesh.compiler.ast.FileAst;
import dev.capmesh.compiler.parser.Parser;
import dev.capmesh.compiler.schema.EnumSchema;
import dev.capmesh.compiler.schema.PrimitiveKind;
import dev.capmesh.compiler.schema.StructSchema;
import dev.capmesh.compiler.schema.StructTranslator;
import dev.capmesh.compiler.schema.TypeRef;
import dev.capmesh.compiler.source.Source;
import dev.capmesh.compiler.source.Span;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One compile: loads files (the main config, its imports, the built-in schema), builds scopes,
 * resolves names and types, and lazily builds struct schemas. Values are evaluated by
 * {@link ValueEvaluator}. Not thread-safe; one instance per compile.
 */
public final class Compilation {
  /** Files larger than this are refused (as config, import or embed). */
  public static final long MAX_FILE_BYTES = 256L * 1024 * 1024;

  private final Map<String, FileAst> builtins;
  private final List<Path> importPaths;
  private final Diagnostics diagnostics;
  private final Map<String, Scope> loaded = new HashMap<>();
  private final Map<FileAst, Scope> builtinScopes = new java.util.IdentityHashMap<>();
  private final Map<String, Symbol> builtinTypes = new LinkedHashMap<>();
  private final ValueEvaluator evaluator;

  /**
   * @param builtins parsed built-in files by absolute import path ({@code /workerd/workerd.capnp})
   * @param importPaths directories searched for other absolute imports
   */
  public Compilation(Map<String, FileAst> builtins, List<Path> importPaths, Diagnostics diagnostics) {
    this.builtins = builtins;
    this.importPaths = List.copyOf(importPaths);
    this.diagnostics = diagnostics;
    for (PrimitiveKind k : PrimitiveKind.values()) {
      builtinTypes.put(k.schemaName(), new Symbol.BuiltinSym(k));
    }
    builtinTypes.put("List", new Symbol.BuiltinSym(null));
    this.evaluator = new ValueEvaluator(this, diagnostics);
  }

  Diagnostics diagnostics() {
    return diagnostics;
  }

  /** Whether {@code source} is one of the built-in schema files. */
  boolean isBuiltin(Source source) {
    for (FileAst ast : builtins.values()) {
      if (ast.source() == source) {
        return true;
      }
    }
    return false;
  }

  /** Reads a file as strict UTF-8, or returns null after reporting why it could not be read. */
  static @Nullable String readText(Path path, Span at, Diagnostics d, String what) {
    try {
      if (Files.size(path) > MAX_FILE_BYTES) {
        d.error(at, what + " '" + path + "' is larger than " + (MAX_FILE_BYTES >> 20) + " MiB.");
        return null;
      }
      byte[] bytes = Files.readAllBytes(path);
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      d.error(at, what + " '" + path + "' is not valid UTF-8 text.",
          "embed binary files into a Data field instead");
      return null;
    } catch (IOException e) {
      d.error(at, what + " failed: cannot read '" + path + "' (" + describe(e) + ").");
      return null;
    }
  }

  static String describe(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  // ---------------------------------------------------------------- files and scopes

  /** Parses and indexes the main config file. */
  public MainFile loadMain(Source source, Path directory) {
    FileAst ast = Parser.parse(source, diagnostics);
    Scope scope = index(ast, directory);
    loaded.put(directory.resolve(source.path()).toString(), scope);
    return new MainFile(this, ast, scope);
  }

  private Scope index(FileAst ast, @Nullable Path directory) {
    var scope = new Scope(null, ast.source(), directory, "");
    declare(scope, ast.decls());
    return scope;
  }

  private void declare(Scope scope, List<Decl> decls) {
    var spans = new HashMap<String, Span>();
    for (Decl decl : decls) {
      Symbol sym = switch (decl) {
        case Decl.Struct s -> new Symbol.StructSym(s, scope, scope.qualify(s.name()));
        case Decl.Enum e -> new Symbol.EnumSym(enumSchema(e, scope));
        case Decl.Const c -> new Symbol.ConstSym(c, scope, scope.qualify(c.name()));
        case Decl.Using u -> new Symbol.UsingSym(u, scope);
        case Decl.Interface i -> new Symbol.OtherSym("interface", i.name());
        case Decl.Annotation a -> new Symbol.OtherSym("annotation", a.name());
      };
      Span previous = spans.putIfAbsent(decl.name(), decl.nameSpan());
      if (previous != null) {
        diagnostics.error(decl.nameSpan(), "'" + decl.name() + "' is already defined at "
            + previous.location() + ".");
        continue;
      }
      scope.names.put(decl.name(), sym);
    }
  }

  private EnumSchema enumSchema(Decl.Enum e, Scope scope) {
    int max = -1;
    for (Decl.Enumerant en : e.enumerants()) {
      max = Math.max(max, en.ordinal());
    }
    var names = new ArrayList<String>();
    var seen = new boolean[max + 1];
    for (int i = 0; i <= max; i++) {
      names.add(null);
    }
    for (Decl.Enumerant en : e.enumerants()) {
      if (seen[en.ordinal()]) {
        diagnostics.error(en.ordinalSpan(), "Duplicate ordinal number @" + en.ordinal() + ".");
      }
      seen[en.ordinal()] = true;
      names.set(en.ordinal(), en.name());
    }
    for (int i = 0; i <= max; i++) {
      if (names.get(i) == null) {
        diagnostics.error(e.nameSpan(), "Skipped ordinal @" + i + ". Ordinals must be sequential with no holes.");
        names.set(i, "_" + i);
      }
    }
    return new EnumSchema(scope.qualify(e.name()), e.nameSpan(), names);
  }

  private @Nullable Scope importFile(String path, Span at, Scope from) {
    FileAst builtin = builtins.get(path);
    if (builtin != null) {
      // One scope per built-in file, whichever path imported it, so types stay identical.
      return builtinScopes.computeIfAbsent(builtin, k -> index(builtin, null));
    }
    Path file = locate(path, from);
    if (file == null) {
      var hint = path.startsWith("/") ? "built-in imports are /workerd/workerd.capnp and "
          + "/capmesh/capmesh.capnp; other absolute paths are searched in the import path (-I)"
          : null;
      diagnostics.error(at, "Import failed: " + path + " (no such file)", hint);
      return null;
    }
    String key = file.toAbsolutePath().normalize().toString();
    Scope existing = loaded.get(key);
    if (existing != null) {
      return existing;
    }
    String text = readText(file, at, diagnostics, "Import");
    if (text == null) {
      return null;
    }
    Source source = Source.of(displayPath(file), text);
    Scope scope = index(Parser.parse(source, diagnostics), file.getParent());
    loaded.put(key, scope);
    return scope;
  }

  /** Finds a relative path next to the importing file, an absolute one in the import path. */
  @Nullable Path locate(String path, Scope from) {
    try {
      return locateChecked(path, from);
    } catch (java.nio.file.InvalidPathException e) {
      return null; // e.g. a NUL inside the quotes: no such file can exist
    }
  }

  private @Nullable Path locateChecked(String path, Scope from) {
    if (path.startsWith("/")) {
      for (Path dir : importPaths) {
        Path p = dir.resolve(path.substring(1));
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
      return null;
    }
    Path dir = from.fileScope().directory;
    if (dir == null) {
      return null;
    }
    Path p = dir.resolve(path);
    return Files.isRegularFile(p) ? p : null;
  }

  private static String displayPath(Path file) {
    Path cwd = Path.of("").toAbsolutePath();
    Path abs = file.toAbsolutePath().normalize();
    return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
  }

  // ---------------------------------------------------------------- names

  /** Resolves a name expression to what it stands for, reporting failures (returns null). */
  @Nullable Symbol resolve(Expr expr, Scope scope) {
    Symbol sym = switch (expr) {
      case Expr.Name n -> lookupRelative(n.name(), n.span(), scope);
      case Expr.AbsoluteName a -> lookupIn(scope.fileScope(), a.name(), a.span(), "this file");
      case Expr.Import i -> {
        Scope file = importFile(i.path(), i.span(), scope);
        yield file == null ? null : new Symbol.FileSym(file);
      }
      case Expr.Member m -> {
        Symbol parent = resolve(m.parent(), scope);
        yield parent == null ? null : member(parent, m.name(), m.nameSpan());
      }
      default -> {
        diagnostics.error(expr.span(), "Expected a name here.");
        yield null;
      }
    };
    return sym instanceof Symbol.UsingSym u ? followUsing(u) : sym;
  }

  private @Nullable Symbol lookupRelative(String name, Span span, Scope scope) {
    for (Scope s = scope; s != null; s = s.parent) {
      Symbol sym = s.names.get(name);
      if (sym != null) {
        return sym;
      }
    }
    Symbol builtin = builtinTypes.get(name);
    if (builtin != null) {
      return builtin;
    }
    var candidates = new ArrayList<String>(builtinTypes.keySet());
    for (Scope s = scope; s != null; s = s.parent) {
      candidates.addAll(s.names.keySet());
    }
    diagnostics.error(span, "Not defined: " + name, Suggestions.didYouMean(name, candidates));
    return null;
  }

  private @Nullable Symbol lookupIn(Scope scope, String name, Span span, String where) {
    Symbol sym = scope.names.get(name);
    if (sym == null) {
      diagnostics.error(span, "'" + name + "' is not defined in " + where + ".",
          Suggestions.didYouMean(name, scope.names.keySet()));
    }
    return sym;
  }

  private @Nullable Symbol member(Symbol parent, String name, Span span) {
    if (parent instanceof Symbol.UsingSym u) {
      parent = followUsing(u);
      if (parent == null) {
        return null;
      }
    }
    return switch (parent) {
      case Symbol.FileSym f -> lookupIn(f.top, name, span, f.describe());
      case Symbol.StructSym s -> lookupIn(memberScope(s), name, span, s.describe());
      default -> {
        diagnostics.error(span, "'" + name + "' is not a member of " + parent.describe() + ".");
        yield null;
      }
    };
  }

  private @Nullable Symbol followUsing(Symbol.UsingSym u) {
    if (u.target != null) {
      return u.target;
    }
    if (u.resolving) {
      diagnostics.error(u.decl.nameSpan(), "'" + u.decl.name() + "' is defined in terms of itself.");
      return null;
    }
    u.resolving = true;
    Symbol target = resolve(u.decl.target(), u.scope);
    u.resolving = false;
    u.target = target;
    return target;
  }

  Scope memberScope(Symbol.StructSym s) {
    if (s.members == null) {
      s.members = new Scope(s.scope, s.scope.source, s.scope.directory, s.qualifiedName);
      declare(s.members, s.decl.nested());
    }
    return s.members;
  }

  // ---------------------------------------------------------------- types

  /** Resolves a type expression, or returns null after reporting why not. */
  public @Nullable TypeRef resolveType(Expr expr, Scope scope) {
    if (expr instanceof Expr.Apply app) {
      Symbol fn = resolve(app.function(), scope);
      if (fn instanceof Symbol.BuiltinSym b && b.kind == null) {
        if (app.params().size() != 1) {
          diagnostics.error(app.span(), "List() takes exactly one type parameter.");
          return null;
        }
        TypeRef element = resolveType(app.params().get(0).value(), scope);
        return element == null ? null : new TypeRef.ListOf(element);
      }
      if (fn != null) {
        diagnostics.error(app.span(), "'" + fn.describe() + "' does not take parameters.");
      }
      return null;
    }
    Symbol sym = resolve(expr, scope);
    if (sym == null) {
      return null;
    }
    return switch (sym) {
      case Symbol.BuiltinSym b when b.kind != null -> TypeRef.of(b.kind);
      case Symbol.BuiltinSym b -> {
        diagnostics.error(expr.span(), "List needs an element type, like List(Text).");
        yield null;
      }
      case Symbol.StructSym s -> new TypeRef.Struct(structSchema(s));
      case Symbol.EnumSym e -> new TypeRef.Enum(e.schema);
      case Symbol.OtherSym o when o.what.equals("interface") -> new TypeRef.Interface(o.name);
      default -> {
        diagnostics.error(expr.span(), "'" + sym.describe() + "' is not a type.");
        yield null;
      }
    };
  }

  /** The schema of a struct declaration, built on first use (layout and defaults included). */
  StructSchema structSchema(Symbol.StructSym s) {
    if (s.schema != null) {
      return s.schema;
    }
    s.schema = new StructSchema(s.qualifiedName, s.decl.nameSpan(), null);
    Scope members = memberScope(s);
    List<StructTranslator.PendingDefault> defaults =
        StructTranslator.translate(s.decl, s.schema, t -> resolveType(t, members), diagnostics);
    for (StructTranslator.PendingDefault d : defaults) {
      Value v = evaluator.evaluate(d.expr(), d.field().type(), members);
      d.field().setDefaultValue(v);
    }
    return s.schema;
  }

  // ---------------------------------------------------------------- constants

  /** The evaluated value of a constant (null after a reported error). */
  @Nullable Value constValue(Symbol.ConstSym c) {
    switch (c.state) {
      case DONE:
        return c.value;
      case EVALUATING:
        diagnostics.error(c.decl.nameSpan(), "Constant '" + c.qualifiedName + "' is defined in terms of itself.");
        return null;
      default:
        break;
    }
    c.state = Symbol.ConstSym.State.EVALUATING;
    c.type = resolveType(c.decl.type(), c.scope);
    if (c.type != null) {
      c.value = evaluator.evaluate(c.decl.value(), c.type, c.scope);
    }
    c.state = Symbol.ConstSym.State.DONE;
    return c.value;
  }

  /** The declared type of a constant (evaluating it if needed). */
  @Nullable TypeRef constType(Symbol.ConstSym c) {
    constValue(c);
    return c.type;
  }
}
