package dev.capmesh.runner.cli;

import dev.capmesh.runner.audit.AuditVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.jspecify.annotations.Nullable;

/** {@code runner audit verify FILE...}: checks the hash chain of audit files. */
final class AuditCommand {
  /** Exit code of {@code verify} when the chain is broken. */
  static final int TAMPERED = 1;

  static final CommandSpec SPEC = CommandSpec.group("audit",
      List.of("Work with the audit log that serve --audit-log writes."), List.of(Verify.SPEC));

  private AuditCommand() {}

  /**
   * {@code runner audit verify FILE...}: exit 0 when the chain holds, 1 when it is broken (each
   * problem printed with file, line and seq), 2 when a file cannot be read.
   */
  static final class Verify implements CommandSpec.Action {
    static final CommandSpec SPEC = CommandSpec.of("verify",
        List.of("Check the hash chain of audit files: every line against its hash and the line "
                + "before it, across rotated files (give them all, in any order), and the end of the "
                + "chain against FILE.checkpoint.",
            "Exit status: 0 intact, 1 tampered or damaged (what and where is printed), 2 usage or "
                + "unreadable file."),
        List.of(new CommandSpec.Argument("FILE", 1, CommandSpec.Argument.MANY, "audit files: FILE, FILE.1, ...")),
        Verify::options, Verify::new);

    final RunnerMain main;
    List<Path> files;
    @Nullable Path checkpoint;
    boolean noCheckpoint;

    Verify(RunnerMain main) {
      this.main = main;
    }

    static Options options() {
      return new Options()
          .addOption(CommandSpec.option("checkpoint", "FILE",
              "the checkpoint to compare with (default: FILE.checkpoint beside the newest file)"))
          .addOption(CommandSpec.flag("no-checkpoint", "do not compare with a checkpoint"));
    }

    @Override
    public void read(CommandLine line) throws ParseException {
      files = line.getArgList().stream().map(Path::of).toList();
      checkpoint = CommandSpec.value(line, "checkpoint", null, Path::of);
      noCheckpoint = CommandSpec.given(line, "no-checkpoint");
    }

    @Override
    public Integer call() {
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
