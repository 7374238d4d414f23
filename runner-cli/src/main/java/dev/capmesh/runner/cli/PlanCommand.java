package dev.capmesh.runner.cli;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.plan.Planner;
import dev.capmesh.proto.PlanDigest;
import dev.capmesh.proto.PlanJson;
import dev.capmesh.proto.v1.Binding;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.Service;
import dev.capmesh.proto.v1.ServiceRef;
import dev.capmesh.proto.v1.Socket;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.jspecify.annotations.Nullable;

/**
 * {@code runner plan config.capnp [const] [-o plan.bin] [--json]}: the plan a runner would be
 * given, so a user sees exactly what it will serve. Refuses what {@code check} refuses.
 */
final class PlanCommand implements CommandSpec.Action {
  static final CommandSpec SPEC = CommandSpec.of("plan",
      List.of("Compile a config into the runner plan: exactly what a runner is given.",
          "Without options prints a summary; --json prints the whole plan (secrets redacted); "
              + "-o writes the binary plan that runners and the control plane read.",
          "The binary plan holds secret values: it is written readable by its owner only."),
      ConfigArgs.ARGUMENTS, PlanCommand::options, PlanCommand::new);

  final RunnerMain main;
  final ConfigArgs args = new ConfigArgs();
  @Nullable Path output;
  boolean json;

  PlanCommand(RunnerMain main) {
    this.main = main;
  }

  static Options options() {
    return new Options().addOption(CompileCommand.output("write the binary plan here"))
        .addOption(CommandSpec.flag("json", "print the plan as JSON (secret values redacted)"));
  }

  @Override
  public void read(CommandLine line) throws ParseException {
    args.read(line);
    output = CommandSpec.value(line, "output", null, Path::of);
    json = CommandSpec.given(line, "json");
  }

  @Override
  public Integer call() throws IOException {
    CompiledConfig compiled = args.compileServable(main);
    if (compiled == null) {
      return RunnerMain.CONFIG_ERRORS;
    }
    RunnerPlan plan = Planner.plan(compiled);
    if (output != null) {
      write(plan, output);
      main.err.println("runner: wrote plan " + PlanDigest.shortVersion(plan.getVersion()) + " ("
          + plan.getSerializedSize() + " bytes) to " + output);
    }
    if (json) {
      main.out.println(PlanJson.write(plan));
    } else if (output == null) {
      main.out.print(summary(plan));
    }
    return 0;
  }

  /** Writes atomically, owner-only (a plan carries secret values). */
  static void write(RunnerPlan plan, Path output) throws IOException {
    Path dir = output.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".plan-", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the directory's permissions apply
      }
      try (OutputStream out = Files.newOutputStream(tmp)) {
        plan.writeTo(out);
      }
      Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static String summary(RunnerPlan plan) {
    var out = new StringBuilder();
    out.append("plan ").append(plan.getVersion()).append(" (format ").append(plan.getFormat())
        .append(", from ").append(plan.getSource()).append(", ").append(plan.getSerializedSize())
        .append(" bytes)\n");
    out.append("services:\n");
    for (Service s : plan.getServicesList()) {
      out.append("  ").append(s.getName()).append(" [").append(kind(s)).append("] ")
          .append(PlanDigest.shortVersion(s.getHash())).append('\n');
      if (s.hasWorker()) {
        var w = s.getWorker();
        if (w.hasModules()) {
          for (var m : w.getModules().getModulesList()) {
            out.append("    module ").append(m.getName()).append(" (")
                .append(m.getKindName().isEmpty() ? m.getKind().name() : m.getKindName()).append(", ")
                .append(m.getContent().size()).append(" bytes)\n");
          }
        } else {
          out.append("    serviceWorkerScript (").append(w.getServiceWorkerScript().length())
              .append(" chars)\n");
        }
        for (Binding b : w.getBindingsList()) {
          out.append("    env.").append(b.getName()).append(": ").append(binding(b)).append('\n');
        }
        out.append("    globalOutbound: ")
            .append(w.hasGlobalOutbound() ? ref(w.getGlobalOutbound()) : "none (no internet)").append('\n');
      }
    }
    out.append("sockets:").append(plan.getSocketsCount() == 0 ? " none\n" : "\n");
    for (Socket s : plan.getSocketsList()) {
      out.append("  ").append(s.getName()).append(": ")
          .append(s.hasHttp() ? "http" : s.hasHttps() ? "https" : s.getUnsupported().getKind())
          .append(' ').append(s.getAddress().isEmpty() ? "(address from the command line)" : s.getAddress())
          .append(" -> ").append(ref(s.getService())).append('\n');
    }
    return out.toString();
  }

  private static String kind(Service s) {
    return switch (s.getKindCase()) {
      case UNSUPPORTED -> s.getUnsupported().getKind();
      case KIND_NOT_SET -> "unspecified";
      default -> s.getKindCase().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String binding(Binding b) {
    return switch (b.getKindCase()) {
      case TEXT -> "text";
      case DATA -> "data (" + b.getData().size() + " bytes)";
      case JSON -> "json";
      case SECRET -> "secret [REDACTED]";
      case FROM_ENVIRONMENT -> "fromEnvironment " + b.getFromEnvironment();
      case SERVICE -> "service -> " + ref(b.getService());
      case KV_NAMESPACE -> "kvNamespace -> " + ref(b.getKvNamespace());
      case R2_BUCKET -> "r2Bucket -> " + ref(b.getR2Bucket());
      case CRYPTO_KEY -> "cryptoKey " + b.getCryptoKey().getAlgorithm() + " "
          + b.getCryptoKey().getUsagesList() + (b.getCryptoKey().getExtractable() ? " extractable" : "");
      case UNSUPPORTED -> b.getUnsupported().getKind();
      case KIND_NOT_SET -> "unspecified";
    };
  }

  private static String ref(ServiceRef r) {
    return "\"" + r.getService() + "\"" + (r.getEntrypoint().isEmpty() ? "" : "#" + r.getEntrypoint())
        + (r.getPropsJson().isEmpty() ? "" : " props " + r.getPropsJson());
  }
}
