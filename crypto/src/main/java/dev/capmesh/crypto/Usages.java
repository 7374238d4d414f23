package dev.capmesh.crypto;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Key usages: the eight names, and the checks importKey and generateKey make. */
final class Usages {
  static final List<String> ALL =
      List.of("encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey");

  private Usages() {}

  /** The usages without repeats, in the order given; TypeError for a name that is not a usage. */
  static List<String> normalize(List<String> usages) {
    var set = new LinkedHashSet<String>();
    for (String u : usages) {
      if (!ALL.contains(u)) {
        throw CryptoError.type("\"" + u + "\" is not a key usage (expected one of " + String.join(", ", ALL) + ")");
      }
      set.add(u);
    }
    return new ArrayList<>(set);
  }

  /** SyntaxError unless every usage is one of {@code allowed}. */
  static void require(List<String> usages, Set<String> allowed, String what) {
    for (String u : usages) {
      if (!allowed.contains(u)) {
        throw CryptoError.syntax("Unsupported key usage for " + what + ": \"" + u + "\" (allowed: "
            + String.join(", ", ALL.stream().filter(allowed::contains).toList()) + ")");
      }
    }
  }

  /** SyntaxError for a secret or private key without usages. */
  static void nonEmpty(List<String> usages, String type) {
    if (usages.isEmpty()) {
      throw CryptoError.syntax("Usages cannot be empty when creating a " + type + " key.");
    }
  }

  static List<String> only(List<String> usages, Set<String> keep) {
    return usages.stream().filter(keep::contains).toList();
  }
}
