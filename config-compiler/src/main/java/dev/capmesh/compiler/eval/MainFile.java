package dev.capmesh.compiler.eval;

import dev.capmesh.compiler.ast.Decl;
import dev.capmesh.compiler.ast.FileAst;
import dev.capmesh.compiler.schema.TypeRef;
import dev.capmesh.compiler.source.Span;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The main config file of a compile: its top-level constants, evaluated on request. */
public final class MainFile {
  private final Compilation compilation;
  private final FileAst ast;
  private final Scope scope;

  MainFile(Compilation compilation, FileAst ast, Scope scope) {
    this.compilation = compilation;
    this.ast = ast;
    this.scope = scope;
  }

  /**
   * A top-level constant with its evaluated value.
   *
   * @param name constant name
   * @param type declared type, or null if it failed to resolve
   * @param value value, or null if it failed to evaluate
   * @param span where its name is
   */
  public record Constant(String name, @Nullable TypeRef type, @Nullable Value value, Span span) {}

  /**
   * Evaluates every top-level constant and builds every struct declared in the file (so that all
   * problems are reported), returning the constants in declaration order.
   */
  public List<Constant> evaluateAll() {
    var out = new ArrayList<Constant>();
    for (Decl decl : ast.decls()) {
      Symbol sym = scope.names.get(decl.name());
      switch (sym) {
        case Symbol.ConstSym c when c.decl == decl -> {
          Value v = compilation.constValue(c);
          out.add(new Constant(c.decl.name(), c.type, v, c.decl.nameSpan()));
        }
        case Symbol.StructSym s when s.decl == decl -> compilation.structSchema(s);
        case Symbol.UsingSym u -> compilation.resolve(new dev.capmesh.compiler.ast.Expr.Name(
            u.decl.name(), u.decl.nameSpan()), scope);
        case null, default -> { }
      }
    }
    return out;
  }

  /** Whether {@code type} is the {@code Config} struct of the built-in schema. */
  public boolean isConfigType(@Nullable TypeRef type) {
    return type instanceof TypeRef.Struct s && s.schema().qualifiedName().equals("Config")
        && compilation.isBuiltin(s.schema().span().source());
  }
}
