package dev.capmesh.runner;

import java.util.List;

/**
 * The runner could not build or start what a config asks for: each problem is one line naming
 * the service, binding or socket concerned.
 */
public final class RunnerException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<String> problems;

  /** Creates the exception; {@code problems} must not be empty. */
  public RunnerException(List<String> problems) {
    super(String.join("\n", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems: [] (expected: at least one)");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem, one line each. */
  public List<String> problems() {
    return problems;
  }
}
