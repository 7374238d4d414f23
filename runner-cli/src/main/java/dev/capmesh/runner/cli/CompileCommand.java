package dev.capmesh.runner.cli;

import dev.capmesh.compiler.CompiledConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.jspecify.annotations.Nullable;

/** {@code runner compile config.capnp [const] [-o out.bin]}: writes the Cap'n Proto binary. */
final class CompileCommand implements CommandSpec.Action {
  static final CommandSpec SPEC = CommandSpec.of("compile",
      List.of("Compile a config to its Cap'n Proto binary message.",
          "Valid workerd configs compile even where this runner cannot serve them yet (see check)."),
      ConfigArgs.ARGUMENTS, () -> new Options().addOption(output("write here instead of stdout")),
      CompileCommand::new);

  final RunnerMain main;
  final ConfigArgs args = new ConfigArgs();
  @Nullable Path output;

  CompileCommand(RunnerMain main) {
    this.main = main;
  }

  /** {@code -o FILE}, {@code --output FILE} (compile and plan). */
  static Option output(String description) {
    return Option.builder("o").longOpt("output").hasArg().argName("FILE").desc(description).get();
  }

  @Override
  public void read(CommandLine line) throws ParseException {
    args.read(line);
    output = CommandSpec.value(line, "output", null, Path::of);
  }

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
