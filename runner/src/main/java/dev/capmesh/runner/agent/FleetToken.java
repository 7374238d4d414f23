package dev.capmesh.runner.agent;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A fleet's bootstrap token, sent to the control plane as {@code authorization: Bearer <token>}.
 * It comes from a file or an environment variable, never from the command line, and its value is
 * never printed: {@link #toString()} and every error message leave it out. Immutable.
 */
public final class FleetToken {
  /** The environment variable the agent reads when no token file is given. */
  public static final String ENVIRONMENT_VARIABLE = "CAPMESH_FLEET_TOKEN";
  private static final int MAX_LENGTH = 4096;

  private final String value;

  private FleetToken(String value) {
    this.value = value;
  }

  /**
   * The token in {@code file}: its whole content without surrounding white space.
   *
   * @throws IOException naming the file (never its content) when it cannot be read or holds no
   *     usable token
   */
  public static FleetToken fromFile(Path file) throws IOException {
    requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException("token file " + file + " does not exist");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IOException("token file " + file + " is not UTF-8 text");
    }
    String problem = problem(text.strip());
    if (problem != null) {
      throw new IOException("token file " + file + " " + problem);
    }
    return new FleetToken(text.strip());
  }

  /**
   * The token held by environment variable {@value #ENVIRONMENT_VARIABLE} in {@code value}.
   *
   * @throws IllegalArgumentException naming the variable (never its value) when it is unusable
   */
  public static FleetToken fromEnvironment(String value) {
    requireNonNull(value, "value");
    String problem = problem(value.strip());
    if (problem != null) {
      throw new IllegalArgumentException("environment variable " + ENVIRONMENT_VARIABLE + " " + problem);
    }
    return new FleetToken(value.strip());
  }

  /** Why {@code token} cannot be a bearer token, or null when it can. */
  private static String problem(String token) {
    if (token.isEmpty()) {
      return "is empty (expected: the fleet's bootstrap token)";
    }
    if (token.length() > MAX_LENGTH) {
      return "holds " + token.length() + " characters (expected: at most " + MAX_LENGTH + ")";
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return "holds a character at offset " + i
            + " that a bearer token cannot carry (expected: one line of printable ASCII)";
      }
    }
    return null;
  }

  /** The header value: {@code Bearer <token>}. Never log it. */
  String authorization() {
    return "Bearer " + value;
  }

  /** {@code text} with every occurrence of the token replaced by {@code [REDACTED]}. */
  String redact(String text) {
    return text.replace(value, "[REDACTED]");
  }

  /** Never the token itself. */
  @Override
  public String toString() {
    return "FleetToken[REDACTED]";
  }
}
