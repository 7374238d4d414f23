package dev.capmesh.runner.cli;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.resolve.CapabilityReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code runner capabilities config.capnp [--json]}: what each worker can reach. */
@Command(name = "capabilities", mixinStandardHelpOptions = true,
    description = "List every resource each worker can reach, directly or through other workers.")
final class CapabilitiesCommand implements Callable<Integer> {
  @ParentCommand RunnerMain main;
  @Mixin ConfigArgs args;

  @Option(names = "--json", description = "print JSON instead of text")
  boolean json;

  @Override
  public Integer call() {
    CompiledConfig compiled = args.compile(main);
    if (compiled == null) {
      return RunnerMain.CONFIG_ERRORS;
    }
    CapabilityReport report = CapabilityReport.of(compiled.config());
    main.out.print(json ? report.toJson() : report.toText());
    return 0;
  }
}
