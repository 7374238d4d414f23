package dev.capmesh.compiler.ast;

import dev.capmesh.compiler.source.Source;
import java.util.List;

/**
 * A parsed file: its top-level declarations in order.
 *
 * @param source the file
 * @param decls top-level declarations
 */
public record FileAst(Source source, List<Decl> decls) {
  public FileAst {
    decls = List.copyOf(decls);
  }
}
