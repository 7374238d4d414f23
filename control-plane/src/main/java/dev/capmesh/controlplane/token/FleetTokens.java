package dev.capmesh.controlplane.token;

import static java.util.Objects.requireNonNull;

import dev.capmesh.controlplane.store.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The fleets a control plane serves and each fleet's bootstrap token, read from lines
 * {@code fleet=token} (blank lines and {@code #} comments ignored). Tokens are compared in
 * constant time and never appear in any message. Immutable.
 */
public final class FleetTokens {
  private final Map<String, byte[]> tokens;

  private FleetTokens(Map<String, byte[]> tokens) {
    this.tokens = Map.copyOf(tokens);
  }

  /** No fleets. */
  public static FleetTokens none() {
    return new FleetTokens(Map.of());
  }

  /** Fleets and tokens from a map (tests). */
  public static FleetTokens of(Map<String, String> tokens) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    tokens.forEach((f, t) -> {
      String p = Names.fleetProblem(f);
      if (p != null) {
        throw new IllegalArgumentException(p);
      }
      if (t.isEmpty()) {
        throw new IllegalArgumentException("fleet " + f + ": empty token");
      }
      m.put(f, t.getBytes(StandardCharsets.UTF_8));
    });
    return new FleetTokens(m);
  }

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException naming the file and line of a malformed line (the line's
   *     text is not repeated: it may hold a token)
   */
  public static FleetTokens read(Path file) throws IOException {
    requireNonNull(file, "file");
    return parse(Files.readString(file), file.toString());
  }

  /** Parses {@code text} (lines, or entries separated by commas); {@code where} names it in errors. */
  public static FleetTokens parse(String text, String where) {
    Map<String, String> m = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n|,");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0 || eq == line.length() - 1) {
        throw new IllegalArgumentException(where + ": entry " + (i + 1)
            + " is not fleet=token (its text is not shown: it may hold a token)");
      }
      String fleet = line.substring(0, eq).strip();
      String token = line.substring(eq + 1).strip();
      String p = Names.fleetProblem(fleet);
      if (p != null) {
        throw new IllegalArgumentException(where + ": entry " + (i + 1) + ": " + p);
      }
      if (m.put(fleet, token) != null) {
        throw new IllegalArgumentException(where + ": entry " + (i + 1) + ": fleet " + fleet
            + " is listed twice");
      }
    }
    return of(m);
  }

  /** The configured fleets. */
  public Set<String> fleets() {
    return tokens.keySet();
  }

  /** Whether {@code fleet} is configured. */
  public boolean knows(String fleet) {
    return tokens.containsKey(fleet);
  }

  /** Whether {@code token} is {@code fleet}'s token. */
  public boolean valid(String fleet, String token) {
    byte[] want = tokens.get(fleet);
    return want != null && MessageDigest.isEqual(want, token.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code token} is the token of any fleet. */
  public boolean validForAny(String token) {
    byte[] got = token.getBytes(StandardCharsets.UTF_8);
    boolean any = false;
    for (byte[] want : tokens.values()) {
      any |= MessageDigest.isEqual(want, got);
    }
    return any;
  }

  @Override
  public String toString() {
    return "FleetTokens" + tokens.keySet();
  }
}
