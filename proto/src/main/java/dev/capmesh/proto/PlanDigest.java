package dev.capmesh.proto;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import dev.capmesh.proto.v1.RunnerPlan;
import dev.capmesh.proto.v1.Service;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content hashes of plans: a service's {@code hash} and a plan's {@code version} are the hex
 * SHA-256 of the message's deterministic serialization with the hash field (and, for a plan,
 * {@code source}) cleared. The compiler seals what it writes; runners and the control plane
 * check what they receive, so a plan cannot claim a version its content does not have.
 * Stateless.
 */
public final class PlanDigest {
  /** The newest {@link RunnerPlan#getFormat() plan format} this build writes and reads. */
  public static final int CURRENT_FORMAT = 1;

  private PlanDigest() {}

  /** {@code plan} with every service's hash and the plan's version computed from content. */
  public static RunnerPlan seal(RunnerPlan plan) {
    requireNonNull(plan, "plan");
    RunnerPlan.Builder b = plan.toBuilder();
    for (int i = 0; i < b.getServicesCount(); i++) {
      b.setServices(i, seal(b.getServices(i)));
    }
    return b.setVersion(version(b.build())).build();
  }

  /** {@code service} with its hash computed from its content. */
  public static Service seal(Service service) {
    return service.toBuilder().setHash(hash(service)).build();
  }

  /** The hash {@code service} should carry. */
  public static String hash(Service service) {
    return sha256(service.toBuilder().clearHash().build());
  }

  /** The version {@code plan} should carry: its content without version and source. */
  public static String version(RunnerPlan plan) {
    return sha256(plan.toBuilder().clearVersion().clearSource().build());
  }

  /**
   * Checks that every service hash and the version match the content.
   *
   * @throws IllegalArgumentException naming the first mismatch
   */
  public static void verify(RunnerPlan plan) {
    for (Service s : plan.getServicesList()) {
      if (!hash(s).equals(s.getHash())) {
        throw new IllegalArgumentException("plan " + shortVersion(plan.getVersion())
            + ": service \"" + s.getName() + "\" does not match its hash (the plan was altered "
            + "or damaged)");
      }
    }
    String expected = version(plan);
    if (!expected.equals(plan.getVersion())) {
      throw new IllegalArgumentException("plan claims version " + shortVersion(plan.getVersion())
          + " but its content is version " + shortVersion(expected)
          + " (the plan was altered or damaged)");
    }
  }

  /** The first 12 hex digits, as commands print versions. */
  public static String shortVersion(String version) {
    return version.length() > 12 ? version.substring(0, 12) : version;
  }

  private static String sha256(MessageLite message) {
    try {
      var bytes = new ByteArrayOutputStream(message.getSerializedSize());
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      message.writeTo(out);
      out.flush();
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
