package dev.capmesh.runner.cli;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.resolve.CapabilityReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runner capabilities config.capnp [--json]}: what each worker can reach; with
 * {@code --usage AUDIT.log...}, also how often each grant was used in those audit files (see
 * {@link UsageReport}).
 */
@Command(name = "capabilities", mixinStandardHelpOptions = true,
    description = {"List every resource each worker can reach, directly or through other workers.",
        "With --usage AUDIT.log..., list each worker's grants with how often the audit log shows "
            + "them used, flag grants never used as candidates to remove, and list what workers "
            + "tried to reach without a grant."})
final class CapabilitiesCommand implements Callable<Integer> {
  @ParentCommand RunnerMain main;
  @Mixin ConfigArgs args;

  @Option(names = "--json", description = "print JSON instead of text")
  boolean json;

  @Option(names = "--usage", paramLabel = "AUDIT", parameterConsumer = AuditFiles.class,
      description = "audit files (FILE, FILE.1, ...) written by serve --audit-log: report granted "
          + "against used. Takes the files up to the config (the first name ending in .capnp, or "
          + "the last argument); repeat --usage to be explicit.")
  List<Path> usage = new ArrayList<>();

  @Override
  public Integer call() {
    CompiledConfig compiled = args.compile(main);
    if (compiled == null) {
      return RunnerMain.CONFIG_ERRORS;
    }
    if (usage.isEmpty()) {
      CapabilityReport report = CapabilityReport.of(compiled.config());
      main.out.print(json ? report.toJson() : report.toText());
      return 0;
    }
    UsageReport report;
    try {
      report = UsageReport.of(compiled.config(), usage);
    } catch (IOException e) {
      main.err.println("runner: cannot read " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")");
      return RunnerMain.USAGE;
    }
    main.out.print(json ? report.toJson() : report.toText());
    return 0;
  }

  /**
   * Takes the audit files after {@code --usage}: at least one, then more up to an option, a
   * name ending in {@code .capnp}, or the last argument (which is the config).
   */
  static final class AuditFiles implements CommandLine.IParameterConsumer {
    @Override public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
      List<Path> files = argSpec.getValue();
      if (args.isEmpty()) {
        throw new CommandLine.ParameterException(commandSpec.commandLine(),
            "--usage needs at least one audit file");
      }
      files.add(Path.of(args.pop()));
      while (args.size() > 1 && !args.peek().startsWith("-") && !args.peek().endsWith(".capnp")) {
        files.add(Path.of(args.pop()));
      }
    }
  }
}
