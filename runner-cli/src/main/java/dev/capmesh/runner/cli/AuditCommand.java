package dev.capmesh.runner.cli;

import dev.capmesh.runner.audit.AuditVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code runner audit verify FILE...}: checks the hash chain of audit files. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Work with the audit log that serve --audit-log writes.",
    subcommands = {AuditCommand.Verify.class, CommandLine.HelpCommand.class})
final class AuditCommand implements Callable<Integer> {
  /** Exit code of {@code verify} when the chain is broken. */
  static final int TAMPERED = 1;

  @ParentCommand RunnerMain main;

  @Override
  public Integer call() {
    main.err.println("runner: audit needs a subcommand (verify)");
    new CommandLine(this).usage(main.err);
    return RunnerMain.USAGE;
  }

  /**
   * {@code runner audit verify FILE...}: exit 0 when the chain holds, 1 when it is broken (each
   * problem printed with file, line and seq), 2 when a file cannot be read.
   */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Check the hash chain of audit files: every line against its hash and the line "
          + "before it, across rotated files (give them all, in any order), and the end of the "
          + "chain against FILE.checkpoint.",
          "Exit status: 0 intact, 1 tampered or damaged (what and where is printed), 2 usage or "
              + "unreadable file."})
  static final class Verify implements Callable<Integer> {
    @ParentCommand AuditCommand audit;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "audit files: FILE, FILE.1, ...")
    List<Path> files;

    @Option(names = "--checkpoint", paramLabel = "FILE",
        description = "the checkpoint to compare with (default: FILE.checkpoint beside the newest file)")
    @Nullable Path checkpoint;

    @Option(names = "--no-checkpoint", description = "do not compare with a checkpoint")
    boolean noCheckpoint;

    @Override
    public Integer call() {
      RunnerMain main = audit.main;
      AuditVerifier.Result r;
      try {
        r = AuditVerifier.verify(files, checkpoint, !noCheckpoint);
      } catch (IOException e) {
        main.err.println("runner: cannot read " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")");
        return RunnerMain.USAGE;
      }
      String span = r.lines() + " lines in " + r.files() + (r.files() == 1 ? " file" : " files")
          + (r.lines() == 0 ? "" : ", seq " + r.firstSeq() + " to " + r.lastSeq());
      if (r.intact()) {
        main.out.println("audit: intact: " + span + (r.checkpoint() == null ? ""
            : "; the chain reaches its checkpoint " + r.checkpoint()));
      } else {
        main.out.println("audit: TAMPERED OR DAMAGED: " + r.problems().size() + " problem"
            + (r.problems().size() == 1 ? "" : "s") + " (" + span + ")");
        for (String p : r.problems()) {
          main.out.println("  " + p);
        }
      }
      for (String n : r.notes()) {
        main.out.println("note: " + n);
      }
      return r.intact() ? 0 : TAMPERED;
    }
  }
}
