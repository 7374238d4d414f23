package dev.capmesh.runner.storage.s3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Credentials looked up for every request, so that a rotated key is used from the next request
 * on without a restart: either two variables of the runner's environment, or an AWS-style
 * credentials file (its {@code [default]} profile: {@code aws_access_key_id},
 * {@code aws_secret_access_key}, optional {@code aws_session_token}). The file is read again
 * whenever its modification time, size or identity (a rename into place) changes, and for as
 * long as its modification time is too recent to tell a second write in the same tick apart.
 *
 * <p>Errors name the variable or the file's name and what is missing, never a value. Thread-safe.
 */
abstract sealed class RotatingCredentials implements AwsCredentialsProvider {

  /** A lookup failed: the message names what is missing, never a value. */
  static final class CredentialsUnavailable extends RuntimeException {
    CredentialsUnavailable(String message) {
      super(message, null, false, false);
    }
  }

  /** What this provider reads, for messages: "environment variables A and B", "credentials file F". */
  abstract String source();

  /** Every key id and secret this provider has handed out recently, for scrubbing messages. */
  abstract @Nullable AwsCredentials lastIssued();

  static RotatingCredentials fromEnvironment(String accessKeyIdEnv, String secretAccessKeyEnv,
      Function<String, @Nullable String> environment) {
    return new FromEnvironment(accessKeyIdEnv, secretAccessKeyEnv, environment);
  }

  static RotatingCredentials fromFile(Path file, Clock clock) {
    return new FromFile(file, clock);
  }

  private static final class FromEnvironment extends RotatingCredentials {
    private final String idVar;
    private final String secretVar;
    private final Function<String, @Nullable String> environment;
    private volatile @Nullable AwsCredentials last;

    FromEnvironment(String idVar, String secretVar, Function<String, @Nullable String> environment) {
      this.idVar = idVar;
      this.secretVar = secretVar;
      this.environment = environment;
    }

    @Override public AwsCredentials resolveCredentials() {
      String id = environment.apply(idVar);
      String secret = environment.apply(secretVar);
      if (id == null || id.isEmpty()) {
        throw new CredentialsUnavailable("the environment variable " + idVar
            + " (accessKeyIdEnv) is not set");
      }
      if (secret == null || secret.isEmpty()) {
        throw new CredentialsUnavailable("the environment variable " + secretVar
            + " (secretAccessKeyEnv) is not set");
      }
      AwsCredentials c = last;
      if (c == null || !c.accessKeyId().equals(id) || !c.secretAccessKey().equals(secret)) {
        c = AwsBasicCredentials.create(id, secret);
        last = c;
      }
      return c;
    }

    @Override String source() {
      return "the environment variables " + idVar + " and " + secretVar;
    }

    @Override @Nullable AwsCredentials lastIssued() {
      return last;
    }

    @Override public String toString() {
      return "RotatingCredentials[env " + idVar + ", " + secretVar + "]";
    }
  }

  private static final class FromFile extends RotatingCredentials {
    /** File times closer to the read than this may hide a second write in the same tick. */
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private final Path file;
    private final Clock clock;
    private @Nullable Stamp stamp;
    private @Nullable AwsCredentials cached;
    private volatile @Nullable AwsCredentials last;

    private record Stamp(FileTime modified, long size, @Nullable Object fileKey) {}

    FromFile(Path file, Clock clock) {
      this.file = file;
      this.clock = clock;
    }

    private String name() {
      Path n = file.getFileName();
      return n == null ? "(root)" : n.toString();
    }

    @Override public synchronized AwsCredentials resolveCredentials() {
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(file, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        throw new CredentialsUnavailable("the credentials file " + name() + " (credentialsFile) does not exist");
      } catch (IOException e) {
        throw new CredentialsUnavailable("the credentials file " + name() + " (credentialsFile) cannot be read: "
            + e.getClass().getSimpleName());
      }
      var now = new Stamp(attrs.lastModifiedTime(), attrs.size(), attrs.fileKey());
      if (cached != null && now.equals(stamp)) {
        return cached;
      }
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CredentialsUnavailable("the credentials file " + name() + " (credentialsFile) cannot be read: "
            + e.getClass().getSimpleName());
      }
      AwsCredentials c = parse(text);
      boolean settled = attrs.lastModifiedTime().toInstant().plus(SETTLE).isBefore(clock.instant());
      stamp = settled ? now : null;
      cached = settled ? c : null;
      last = c;
      return c;
    }

    /** The {@code [default]} profile of an AWS credentials file. */
    private AwsCredentials parse(String text) {
      String section = null;
      String id = null;
      String secret = null;
      String token = null;
      for (String raw : text.split("\r?\n|\r")) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
          continue;
        }
        if (line.startsWith("[")) {
          int end = line.indexOf(']');
          section = (end < 0 ? line.substring(1) : line.substring(1, end)).strip();
          continue;
        }
        if (!"default".equals(section)) {
          continue;
        }
        int eq = line.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String name = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String value = line.substring(eq + 1).strip();
        switch (name) {
          case "aws_access_key_id" -> id = value;
          case "aws_secret_access_key" -> secret = value;
          case "aws_session_token" -> token = value;
          default -> { }
        }
      }
      if (id == null || id.isEmpty()) {
        throw new CredentialsUnavailable("the credentials file " + name()
            + " (credentialsFile) has no aws_access_key_id in its [default] profile");
      }
      if (secret == null || secret.isEmpty()) {
        throw new CredentialsUnavailable("the credentials file " + name()
            + " (credentialsFile) has no aws_secret_access_key in its [default] profile");
      }
      return token == null || token.isEmpty() ? AwsBasicCredentials.create(id, secret)
          : AwsSessionCredentials.create(id, secret, token);
    }

    @Override String source() {
      return "the credentials file " + name();
    }

    @Override @Nullable AwsCredentials lastIssued() {
      return last;
    }

    @Override public String toString() {
      return "RotatingCredentials[file " + name() + "]";
    }
  }

  /** Replaces any credential this provider handed out that appears in {@code text}. */
  String scrub(String text) {
    AwsCredentials c = lastIssued();
    if (c == null) {
      return text;
    }
    String out = text;
    for (String secret : new String[] {c.secretAccessKey(), c.accessKeyId(),
        c instanceof AwsSessionCredentials s ? s.sessionToken() : null}) {
      if (secret != null && secret.length() >= 4) {
        out = out.replace(secret, "[redacted]");
      }
    }
    return Objects.requireNonNull(out);
  }
}
