package dev.capmesh.runner.cli;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.resolve.CapabilityReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code runner capabilities config.capnp [--json]}: what each worker can reach; with
 * {@code --usage AUDIT.log...}, also how often each grant was used in those audit files (see
 * {@link UsageReport}).
 */
final class CapabilitiesCommand implements CommandSpec.Action {
  static final CommandSpec SPEC = CommandSpec.of("capabilities",
      List.of("List every resource each worker can reach, directly or through other workers.",
          "With --usage AUDIT.log..., list each worker's grants with how often the audit log shows "
              + "them used, flag grants never used as candidates to remove, and list what workers "
              + "tried to reach without a grant."),
      ConfigArgs.ARGUMENTS, CapabilitiesCommand::options, CapabilitiesCommand::new);

  final RunnerMain main;
  final ConfigArgs args = new ConfigArgs();
  boolean json;
  List<Path> usage = new ArrayList<>();

  CapabilitiesCommand(RunnerMain main) {
    this.main = main;
  }

  static Options options() {
    return new Options().addOption(CommandSpec.flag("json", "print JSON instead of text"))
        .addOption(CommandSpec.option("usage", "AUDIT",
            "audit files (FILE, FILE.1, ...) written by serve --audit-log: report granted against "
                + "used. Takes the files up to the config (the first name ending in .capnp, or the "
                + "last argument); repeat --usage to be explicit."));
  }

  /**
   * Gives each audit file after {@code --usage} an option of its own ({@code --usage=FILE}), so
   * the parser keeps them apart from the config: at least one, then more up to an option, a name
   * ending in {@code .capnp}, or the last word (which is the config).
   */
  @Override
  public List<String> prepare(List<String> words) throws ParseException {
    var rest = new ArrayDeque<>(words);
    var out = new ArrayList<String>();
    while (!rest.isEmpty()) {
      String word = rest.pop();
      if (word.equals("--")) {
        out.add(word);
        out.addAll(rest);
        break;
      }
      if (word.startsWith("--usage=")) {
        rest.push(word.substring("--usage=".length()));
      } else if (!word.equals("--usage")) {
        out.add(word);
        continue;
      }
      if (rest.isEmpty()) {
        throw new ParseException("--usage needs at least one audit file");
      }
      out.add("--usage=" + rest.pop());
      while (rest.size() > 1 && !rest.peek().startsWith("-") && !rest.peek().endsWith(".capnp")) {
        out.add("--usage=" + rest.pop());
      }
    }
    return out;
  }

  @Override
  public void read(CommandLine line) throws ParseException {
    args.read(line);
    json = CommandSpec.given(line, "json");
    CommandSpec.values(line, "usage").forEach(file -> usage.add(Path.of(file)));
  }

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
}
