package dev.capmesh.runner.cli;

import dev.capmesh.compiler.CompiledConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code runner compile config.capnp [const] [-o out.bin]}: writes the Cap'n Proto binary. */
@Command(name = "compile", mixinStandardHelpOptions = true,
    description = {"Compile a config to its Cap'n Proto binary message.",
        "Valid workerd configs compile even where this runner cannot serve them yet (see check)."})
final class CompileCommand implements Callable<Integer> {
  @ParentCommand RunnerMain main;
  @Mixin ConfigArgs args;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of stdout")
  @Nullable Path output;

  @Override
  public Integer call() throws IOException {
    if (output == null && main.binaryOutIsTerminal) {
      main.err.println("runner: refusing to write a binary message to a terminal; use -o FILE or a pipe");
      return RunnerMain.USAGE;
    }
    CompiledConfig compiled = args.compile(main);
    if (compiled == null) {
      return RunnerMain.CONFIG_ERRORS;
    }
    if (output != null) {
      Files.write(output, compiled.binary());
    } else {
      main.binaryOut.write(compiled.binary());
      main.binaryOut.flush();
    }
    return 0;
  }
}
