package dev.capmesh.runner.cli;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.jspecify.annotations.Nullable;

/**
 * One command of {@code bin/runner} as {@link CommandDispatcher} runs it: the word that selects
 * it, what its usage says, its positional arguments and options, and how to make the command
 * for one run. A command that only groups subcommands (the root, {@code audit}) has no factory.
 * Also holds the helpers the commands build their options and read their values with.
 *
 * @param name the word that selects it
 * @param description the usage's lines about it; the first is its line in its parent's list
 * @param arguments its positional arguments, in order
 * @param options makes its options (without {@code --help} and {@code --version}, which every
 *     command has); made afresh for each run, since commons-cli's are mutable
 * @param factory makes the command that runs it, or null when it only groups subcommands
 * @param subcommands the commands selected by the word after its own
 * @param hidden left out of its parent's list of commands
 */
record CommandSpec(String name, List<String> description, List<Argument> arguments,
    Supplier<Options> options, @Nullable Function<RunnerMain, Action> factory,
    List<CommandSpec> subcommands, boolean hidden) {

  CommandSpec {
    requireNonNull(name, "name");
    description = List.copyOf(description);
    arguments = List.copyOf(arguments);
    requireNonNull(options, "options");
    subcommands = List.copyOf(subcommands);
  }

  /** A command that runs: {@code factory} makes it, and it reads what the parser found. */
  static CommandSpec of(String name, List<String> description, List<Argument> arguments,
      Supplier<Options> options, Function<RunnerMain, Action> factory) {
    return new CommandSpec(name, description, arguments, options, factory, List.of(), false);
  }

  /** A command that only selects one of {@code subcommands}. */
  static CommandSpec group(String name, List<String> description, List<CommandSpec> subcommands) {
    return new CommandSpec(name, description, List.of(), Options::new, null, subcommands, false);
  }

  /** This command, left out of its parent's list of commands. */
  CommandSpec hide() {
    return new CommandSpec(name, description, arguments, options, factory, subcommands, true);
  }

  /** The subcommand called {@code word}, or null. */
  @Nullable CommandSpec subcommand(String word) {
    return subcommands.stream().filter(s -> s.name.equals(word)).findFirst().orElse(null);
  }

  /**
   * A positional argument: {@code min} to {@code max} words labelled {@code label}.
   *
   * @param max at most this many, or {@link #MANY}
   */
  record Argument(String label, int min, int max, String description) {
    /** No upper bound. */
    static final int MANY = Integer.MAX_VALUE;

    Argument {
      requireNonNull(label, "label");
      requireNonNull(description, "description");
      if (min < 0 || max < Math.max(min, 1)) {
        throw new IllegalArgumentException("min, max: " + min + ", " + max + " (expected: 0 <= min <= max, max >= 1)");
      }
    }

    /** How usage shows it: {@code CONFIG}, {@code [CONST]}, {@code FILE...}. */
    String shown() {
      return (min == 0 ? "[" + label + "]" : label) + (max > 1 ? "..." : "");
    }
  }

  /** One run of a command: filled from the parsed command line, then called for its exit code. */
  interface Action extends Callable<Integer> {
    /**
     * The words as the parser is to see them. The default leaves them alone; {@code capabilities}
     * spreads the audit files after {@code --usage} into one option each.
     */
    default List<String> prepare(List<String> args) throws ParseException {
      return args;
    }

    /** Takes the options' values and the positional arguments (already counted) from {@code line}. */
    void read(CommandLine line) throws ParseException;
  }

  /** An option without a value, {@code --name}. */
  static Option flag(String name, String description) {
    return Option.builder().longOpt(name).desc(description).get();
  }

  /** An option taking one value, {@code --name LABEL}. */
  static Option option(String name, String label, String description) {
    return Option.builder().longOpt(name).hasArg().argName(label).desc(description).get();
  }

  /** Whether the flag {@code --name} was given. */
  static boolean given(CommandLine line, String name) throws ParseException {
    once(line, name);
    return line.hasOption(name);
  }

  /** The value of {@code --name}, or null when it was not given. */
  static @Nullable String value(CommandLine line, String name) throws ParseException {
    once(line, name);
    return line.getOptionValue(name);
  }

  /** The values of the repeatable option {@code --name}, in order; none when it was not given. */
  static List<String> values(CommandLine line, String name) {
    String[] values = line.getOptionValues(name);
    return values == null ? List.of() : List.of(values);
  }

  /**
   * The value of {@code --name} (else {@code defaultValue}, when not null) through
   * {@code converter}; null when neither is there.
   *
   * @throws ParseException naming the option when {@code converter} refuses the value
   */
  static <T> @Nullable T value(CommandLine line, String name, @Nullable String defaultValue,
      Function<String, T> converter) throws ParseException {
    String text = value(line, name);
    if (text == null) {
      text = defaultValue;
    }
    if (text == null) {
      return null;
    }
    try {
      return converter.apply(text);
    } catch (IllegalArgumentException e) {
      throw new ParseException("Invalid value for option '--" + name + "': " + e.getMessage());
    }
  }

  /** Reads a whole number (a converter for {@link #value(CommandLine, String, String, Function)}). */
  static int integer(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number", e);
    }
  }

  /** Refuses an option with one value given more than once (only the repeatable ones may be). */
  private static void once(CommandLine line, String name) throws ParseException {
    if (line.getOptionCount(name) > 1) {
      throw new ParseException("Option '--" + name + "' should be given only once");
    }
  }
}
