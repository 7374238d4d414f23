package dev.capmesh.runner.js;

import com.ibm.icu.text.IDNA;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The URL Standard's "domain to ASCII" through ICU4J's UTS #46 implementation, with the flags
 * the standard sets: CheckHyphens false, CheckBidi true, CheckJoiners true, UseSTD3ASCIIRules
 * false, Transitional_Processing false, VerifyDnsLength false (so empty labels and the length
 * limits are not errors). Thread-safe (ICU's IDNA instances are).
 */
final class Idna {
  private Idna() {}

  private static final IDNA UTS46 = IDNA.getUTS46Instance(
      IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ);

  /** ICU reports these, but the URL Standard switches the checks behind them off. */
  private static final Set<IDNA.Error> IGNORED = EnumSet.of(
      IDNA.Error.EMPTY_LABEL, IDNA.Error.LABEL_TOO_LONG, IDNA.Error.DOMAIN_NAME_TOO_LONG,
      IDNA.Error.LEADING_HYPHEN, IDNA.Error.TRAILING_HYPHEN, IDNA.Error.HYPHEN_3_4);

  /** The ASCII form of {@code domain}, or null when UTS #46 processing fails. */
  static @Nullable String domainToAscii(String domain) {
    var info = new IDNA.Info();
    StringBuilder out = UTS46.nameToASCII(domain, new StringBuilder(domain.length() + 8), info);
    for (IDNA.Error e : info.getErrors()) {
      if (!IGNORED.contains(e)) {
        return null;
      }
    }
    return out.toString();
  }
}
