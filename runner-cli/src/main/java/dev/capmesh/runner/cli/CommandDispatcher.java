package dev.capmesh.runner.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.MissingOptionException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;
import org.apache.commons.cli.help.HelpFormatter;
import org.apache.commons.cli.help.OptionFormatter;
import org.apache.commons.cli.help.TableDefinition;
import org.apache.commons.cli.help.TextHelpAppendable;
import org.apache.commons.cli.help.TextStyle;

/**
 * Runs a command line of {@code bin/runner} against a tree of {@link CommandSpec}s: the leading
 * words select the command, commons-cli's {@link DefaultParser} parses the rest (options before
 * or after positional arguments), and the command runs. {@code -h}/{@code --help} and
 * {@code help CMD} print the command's usage, {@code -V}/{@code --version} the version, both to
 * standard output with exit code 0, whatever else the line holds; a usage error prints
 * {@code runner: MESSAGE} and the command's usage to standard error, exit code
 * {@link RunnerMain#USAGE}.
 *
 * <p>Why commons-cli and not picocli (which config-compiler and control-plane keep): picocli
 * 4.7.7 ships Java 5 class files (major version 49). JDK 25's ahead-of-time cache (JEP 483/514/515,
 * which the launcher records for {@code serve}) skips old class files ("Old class has been
 * linked"), and classes implementing picocli interfaces with them, so every start loaded,
 * verified and interpreted 176 picocli classes and read our annotations reflectively (dynamic
 * proxies): building the command line took 380–530 ms of a 2.2–2.6 s launch to first answered
 * request on a 2-core VM. With commons-cli 1.11.0 (Java 8 class files, major 52, which the cache
 * keeps; no annotations or reflection) hello world answers its first request about 300 ms sooner
 * (2,262 against 2,566 ms, median of 8 fresh starts each, docs/BENCHMARKS.md, issue 9).
 */
final class CommandDispatcher {
  /** Usage text is wrapped to this many columns. */
  private static final int WIDTH = 80;
  private static final String NEWLINE = System.lineSeparator();

  private final RunnerMain main;

  CommandDispatcher(RunnerMain main) {
    this.main = main;
  }

  /** Runs {@code args} against {@code root} and returns the exit code. */
  int run(CommandSpec root, List<String> args) {
    return run(root, root.name(), args);
  }

  private int run(CommandSpec spec, String path, List<String> args) {
    if (!spec.subcommands().isEmpty() && !args.isEmpty() && !args.get(0).startsWith("-")) {
      String word = args.get(0);
      List<String> rest = args.subList(1, args.size());
      if (word.equals("help")) {
        return help(spec, path, rest);
      }
      CommandSpec sub = spec.subcommand(word);
      return sub == null ? usageError(spec, path, "Unknown command: '" + word + "'")
          : run(sub, path + " " + word, rest);
    }
    // Before parsing: help and version win over whatever else is wrong on the line.
    if (answered(spec, path, asks(args, "-h", "--help"), asks(args, "-V", "--version"))) {
      return 0;
    }
    Options options = options(spec);
    CommandSpec.Action action = spec.factory() == null ? null : spec.factory().apply(main);
    try {
      List<String> words = action == null ? args : action.prepare(args);
      // No abbreviated long options (--he is not --help), and quotes in values are the user's.
      CommandLine line = DefaultParser.builder().setAllowPartialMatching(false)
          .setStripLeadingAndTrailingQuotes(false).get().parse(options, words.toArray(String[]::new));
      if (answered(spec, path, line.hasOption("help"), line.hasOption("version"))) {
        return 0; // asked for in a cluster of short options, -hV
      }
      if (action == null) {
        throw new ParseException(path.contains(" ")
            ? spec.name() + " needs a subcommand (" + commandNames(spec) + ")" : "a subcommand is required");
      }
      countArguments(spec.arguments(), line.getArgList());
      action.read(line);
    } catch (ParseException e) {
      return usageError(spec, path, message(e, options));
    }
    try {
      return action.call();
    } catch (Exception e) {
      // As this CLI has always answered an exception out of a command: its trace, exit code 2.
      e.printStackTrace(main.err);
      return RunnerMain.USAGE;
    }
  }

  /** {@code help [CMD [SUB]]}: the usage of the command those words select, to standard output. */
  private int help(CommandSpec spec, String path, List<String> words) {
    for (String word : words) {
      if (word.startsWith("-")) {
        break;
      }
      CommandSpec sub = spec.subcommand(word);
      if (sub == null) {
        return usageError(spec, path, "Unknown command: '" + word + "'");
      }
      spec = sub;
      path += " " + word;
    }
    main.out.print(usage(spec, path));
    return 0;
  }

  /** Prints the usage when {@code help}, else the version when {@code version}; whether it did. */
  private boolean answered(CommandSpec spec, String path, boolean help, boolean version) {
    if (help) {
      main.out.print(usage(spec, path));
    } else if (version) {
      main.out.println(RunnerMain.version());
    }
    return help || version;
  }

  private int usageError(CommandSpec spec, String path, String message) {
    main.err.println("runner: " + message);
    main.err.print(usage(spec, path));
    main.err.flush();
    return RunnerMain.USAGE;
  }

  /** Whether one of {@code names} is among the options of {@code args} (before a {@code --}). */
  private static boolean asks(List<String> args, String... names) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return false;
      }
      if (List.of(names).contains(arg)) {
        return true;
      }
    }
    return false;
  }

  /** The command's options and the two every command has. */
  private static Options options(CommandSpec spec) {
    return spec.options().get()
        .addOption(Option.builder("h").longOpt("help").desc("Show this help message and exit.").get())
        .addOption(Option.builder("V").longOpt("version").desc("Print version information and exit.").get());
  }

  /** Refuses too few or too many positional arguments, naming the first missing or extra one. */
  private static void countArguments(List<CommandSpec.Argument> arguments, List<String> given) throws ParseException {
    long min = 0;
    long max = 0;
    for (CommandSpec.Argument a : arguments) {
      min += a.min();
      max += a.max();
      if (given.size() < min) {
        throw new ParseException("Missing required argument: '" + a.label() + "'");
      }
    }
    if (given.size() > max) {
      throw new ParseException("Unexpected argument: '" + given.get((int) max) + "'");
    }
  }

  /** commons-cli's message, with the option named as it is written on the command line. */
  private static String message(ParseException e, Options options) {
    return switch (e) {
      case MissingOptionException m -> "Missing required option" + (m.getMissingOptions().size() == 1 ? "" : "s")
          + ": " + ((List<?>) m.getMissingOptions()).stream()
              .map(o -> "'" + shown(options.getOption(String.valueOf(o))) + "'").collect(Collectors.joining(", "));
      case MissingArgumentException m -> "Option '--" + m.getOption().getLongOpt() + "' needs a value ("
          + m.getOption().getArgName() + ")";
      case UnrecognizedOptionException u -> "Unknown option: '" + u.getOption() + "'";
      default -> e.getMessage();
    };
  }

  private static String shown(Option option) {
    return "--" + option.getLongOpt() + (option.hasArg() ? " " + option.getArgName() : "");
  }

  private static String commandNames(CommandSpec spec) {
    return spec.subcommands().stream().filter(s -> !s.hidden()).map(CommandSpec::name)
        .collect(Collectors.joining(", "));
  }

  /**
   * The usage of {@code spec} called as {@code path}: the synopsis, the description, then the
   * positional arguments and options (and subcommands) with what each is for, laid out by
   * commons-cli's help formatter.
   */
  private static String usage(CommandSpec spec, String path) {
    var text = new StringBuilder();
    var help = new PlainText(text);
    HelpFormatter formatter = HelpFormatter.builder().setShowSince(false).setHelpAppendable(help)
        .setOptionFormatBuilder(OptionFormatter.builder().setArgumentNameDelimiters("", "")).get();
    Options options = options(spec);
    // The required options, then the others as [OPTIONS]: the table below lists them all.
    var synopsis = new StringJoiner(" ");
    options.getOptions().stream().filter(Option::isRequired)
        .forEach(o -> synopsis.add(formatter.getOptionFormatter(o).toSyntaxOption()));
    synopsis.add("[OPTIONS]");
    spec.arguments().forEach(a -> synopsis.add(a.shown()));
    if (!spec.subcommands().isEmpty()) {
      synopsis.add("COMMAND");
    }
    var rows = new ArrayList<List<String>>();
    spec.arguments().forEach(a -> rows.add(List.of(a.shown(), a.description())));
    formatter.getTableDefinition(formatter.sort(options)).rows().forEach(rows::add);
    try {
      // The synopsis as a table: its lines wrap under its first word after the command.
      help.appendTable(table(0, 1, List.of(List.of("Usage: " + path, synopsis.toString()))));
      help.append(NEWLINE);
      help.appendParagraph(String.join("\n", spec.description()));
      help.appendTable(table(2, 3, rows));
      if (!spec.subcommands().isEmpty()) {
        var commands = new ArrayList<List<String>>();
        spec.subcommands().stream().filter(s -> !s.hidden())
            .forEach(s -> commands.add(List.of(s.name(), s.description().get(0))));
        commands.add(List.of("help", "Display help information about the specified command."));
        help.append(NEWLINE).append("Commands:").append(NEWLINE);
        help.appendTable(table(2, 3, commands));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not throw
    }
    // A table pads its last column to its width.
    return text.toString().replaceAll(" +(?=\\R)", "");
  }

  /** Two columns: the first as wide as its widest cell, the second wrapped in what is left. */
  private static TableDefinition table(int indent, int gap, List<List<String>> rows) {
    List<TextStyle> styles = List.of(
        TextStyle.builder().setLeftPad(indent).setScalable(false).get(),
        TextStyle.builder().setLeftPad(gap).get());
    return TableDefinition.from("", styles, List.of("", ""), rows);
  }

  /**
   * commons-cli's text layout, at {@link #WIDTH} columns, flush left, with tables printed
   * without a header row. (Its continuation lines are not indented: commons-cli 1.11.0 drops a
   * continuation's indent when the line fills the column exactly, CLI-354.)
   */
  private static final class PlainText extends TextHelpAppendable {
    PlainText(Appendable output) {
      super(output);
      setMaxWidth(WIDTH);
      setLeftPad(0);
      setIndent(0);
    }

    @Override
    public void appendTable(TableDefinition table) throws IOException {
      TableDefinition fitted = adjustTableFormat(table);
      for (List<String> row : fitted.rows()) {
        writeColumnQueues(makeColumnQueues(row, fitted.columnTextStyles()), fitted.columnTextStyles());
      }
    }
  }
}
