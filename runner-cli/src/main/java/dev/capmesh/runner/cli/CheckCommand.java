package dev.capmesh.runner.cli;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code runner check config.capnp [const]}: validates and prints a one-screen summary. */
final class CheckCommand implements CommandSpec.Action {
  static final CommandSpec SPEC = CommandSpec.of("check",
      List.of("Check a config and summarize its services, workers and sockets.",
          "Reports, with file:line, every error compile reports and everything this runner cannot "
              + "serve yet (exit code 1), so a config that passes check starts with serve."),
      ConfigArgs.ARGUMENTS, Options::new, CheckCommand::new);

  final RunnerMain main;
  final ConfigArgs args = new ConfigArgs();

  CheckCommand(RunnerMain main) {
    this.main = main;
  }

  @Override
  public void read(CommandLine line) {
    args.read(line);
  }

  @Override
  public Integer call() {
    CompiledConfig compiled = args.compileServable(main);
    if (compiled == null) {
      return RunnerMain.CONFIG_ERRORS;
    }
    main.out.print(summary(compiled.parsed().source().path(), compiled.config(),
        compiled.abstractServices()));
    return 0;
  }

  static String summary(String path, Config config, List<String> abstractServices) {
    var out = new StringBuilder(path).append(": ok\n");
    Map<String, List<String>> byKind = new LinkedHashMap<>();
    for (Service s : config.services()) {
      byKind.computeIfAbsent(s.kind().kindName(), k -> new java.util.ArrayList<>()).add(s.name());
    }
    out.append("services: ").append(config.services().size()).append('\n');
    byKind.forEach((kind, names) ->
        out.append("  ").append(kind).append(" (").append(names.size()).append("): ")
            .append(String.join(", ", names)).append('\n'));
    if (!abstractServices.isEmpty()) {
      out.append("abstract services, only inherited from (not started): ")
          .append(String.join(", ", abstractServices)).append('\n');
    }
    out.append("workers:\n");
    for (Service s : config.services()) {
      if (s.kind() instanceof ServiceKind.WorkerService w) {
        int n = w.worker().bindings().size();
        out.append("  ").append(s.name()).append(": ").append(n).append(n == 1 ? " binding" : " bindings")
            .append(w.worker().globalOutbound().map(g -> ", outbound " + g.name()).orElse(", no outbound"))
            .append('\n');
      }
    }
    out.append("sockets:").append(config.sockets().isEmpty() ? " none\n" : "\n");
    for (Socket s : config.sockets()) {
      out.append("  ").append(s.name()).append(": ").append(s.protocol().kindName()).append(' ')
          .append(s.address().isEmpty() ? "(address from the command line)" : s.address())
          .append(" -> ").append(s.service()).append('\n');
    }
    return out.toString();
  }
}
