package dev.capmesh.compiler.resolve;

import dev.capmesh.compiler.ConfigCompiler;
import dev.capmesh.compiler.ConfigException;
import dev.capmesh.compiler.ExpectedErrors;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prints what the compiler says about each invalid config, to draft a new NAME.errors for review. */
final class DraftErrors {
  public static void main(String[] args) throws Exception {
    var compiler = ConfigCompiler.create();
    for (String a : args) {
      Path file = Path.of(a);
      try {
        compiler.compile(file, null);
        System.out.println("=== " + file.getFileName() + ": COMPILES");
      } catch (ConfigException e) {
        String text = ExpectedErrors.render(file, e.diagnostics());
        System.out.print("=== " + file.getFileName() + "\n" + text);
        Path errors = Path.of(a.replace(".capnp", ".errors"));
        if (!Files.exists(errors)) {
          Files.writeString(errors, text);
        }
      }
    }
  }
}
