package dev.capmesh.runner.egress;

import static java.util.Objects.requireNonNull;

import dev.capmesh.schema.net.NetworkRules;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Which addresses a network service may connect to: workerd's {@code Network} {@code allow} and
 * {@code deny} lists, with workerd's meaning.
 *
 * <p>Each entry is a CIDR block or a keyword:
 *
 * <ul>
 *   <li>{@code local}: 127.0.0.0/8, ::1/128, and 0.0.0.0/32 and ::/128 (connecting to the
 *       unspecified address reaches this machine on most systems).
 *   <li>{@code private}: 10/8, 100.64/10 (carrier-grade NAT), 169.254/16 (link-local), 172.16/12,
 *       192.168/16, fc00::/7 (unique local), fe80::/10 (link-local). Allowing {@code private}
 *       also allows {@code local}; denying it does not deny {@code local}.
 *   <li>{@code public}: allowing it allows 0.0.0.0/0 and ::/0 and adds {@code private} and
 *       {@code local} to the deny list. It cannot be denied.
 *   <li>{@code network}: allowing it allows 0.0.0.0/0 and ::/0 and adds {@code local} to the deny
 *       list. It cannot be denied.
 *   <li>{@code unix}, {@code unix-abstract}: Unix-domain sockets. Accepted for compatibility;
 *       capmesh network services only speak TCP, so they never match a TCP address.
 * </ul>
 *
 * <p>Precedence: an address is allowed when at least one allow block matches it, and no matching
 * deny block is at least as specific (prefix length) as the most specific matching allow block.
 * So {@code allow = ["public", "127.0.0.1/32"]} reaches 127.0.0.1 (the /32 allow beats the /8
 * deny that {@code public} implies), while {@code allow = ["public", "local"]} does not reach
 * 127.0.0.1 (equal /8 lengths: the deny wins). Independently of the lists, reserved ranges
 * (multicast, broadcast, 240/4, 192.0.0.0/24, 2001::/23, ff00::/8) are always refused, as
 * workerd's underlying network refuses them. IPv6 addresses that carry an IPv4 address
 * ({@code ::ffff:a.b.c.d}) are judged as that IPv4 address.
 *
 * <p>The default ({@link #defaultPolicy()}) is workerd's: {@code allow = ["public"]}. Immutable and
 * thread-safe.
 */
public final class NetworkPolicy {
  private static final List<String> LOCAL = List.of("127.0.0.0/8", "::1/128", "0.0.0.0/32", "::/128");
  private static final List<String> PRIVATE = List.of("10.0.0.0/8", "100.64.0.0/10",
      "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fe80::/10");
  private static final List<String> RESERVED = List.of("192.0.0.0/24", "224.0.0.0/4",
      "240.0.0.0/4", "255.255.255.255/32", "2001::/23", "ff00::/8");
  private static final List<String> EVERYTHING = List.of("0.0.0.0/0", "::/0");

  /** One block on the allow or deny list, with the configured rule it came from. */
  private record Entry(Cidr cidr, String rule, @Nullable String impliedBy) {
    String describe(String list) {
      return impliedBy == null
          ? list + " \"" + rule + "\""
          : list + " \"" + rule + "\" (implied by allow \"" + impliedBy + "\")";
    }
  }

  /** The outcome of {@link #check}: allowed or not, and why, in words for an error message. */
  public record Decision(boolean allowed, InetAddress address, String reason) {
    public Decision {
      requireNonNull(address, "address");
      requireNonNull(reason, "reason");
    }
  }

  private final List<String> allowRules;
  private final List<String> denyRules;
  private final List<Entry> allow = new ArrayList<>();
  private final List<Entry> deny = new ArrayList<>();
  private final List<Cidr> reserved;
  private final boolean allowsSomeAddress;

  private NetworkPolicy(List<String> allowRules, List<String> denyRules) {
    this.allowRules = List.copyOf(allowRules);
    this.denyRules = List.copyOf(denyRules);
    for (String rule : this.allowRules) {
      switch (rule) {
        case "local" -> add(allow, LOCAL, rule, null);
        case "private" -> {
          add(allow, PRIVATE, rule, null);
          add(allow, LOCAL, rule, null);
        }
        case "public" -> {
          add(allow, EVERYTHING, rule, null);
          add(deny, PRIVATE, "private", rule);
          add(deny, LOCAL, "local", rule);
        }
        case "network" -> {
          add(allow, EVERYTHING, rule, null);
          add(deny, LOCAL, "local", rule);
        }
        case "unix", "unix-abstract" -> { }
        default -> allow.add(new Entry(Cidr.parse(rule), rule, null));
      }
    }
    for (String rule : this.denyRules) {
      switch (rule) {
        case "local" -> add(deny, LOCAL, rule, null);
        case "private" -> add(deny, PRIVATE, rule, null);
        case "public", "network" -> throw new IllegalArgumentException(NetworkRules.problem(rule, true));
        case "unix", "unix-abstract" -> { }
        default -> deny.add(new Entry(Cidr.parse(rule), rule, null));
      }
    }
    this.reserved = RESERVED.stream().map(Cidr::parse).toList();
    this.allowsSomeAddress = computeAllowsSomeAddress();
  }

  /**
   * Whether some address passes {@link #check}. An address x passes when, with B its most
   * specific matching allow block, no deny block at least as specific as B and no reserved block
   * contains it. Such an x lies in B and outside every deny block at least as specific as B, so
   * it is enough to look, for each allow block A, for an address of A (of A's family) outside
   * the deny blocks at least as specific as A and the reserved blocks. IPv4 blocks also match
   * IPv4-mapped IPv6 addresses; ignoring that here can only answer true where the exact answer
   * is false, never the reverse, so a policy reported as allowing nothing really allows nothing.
   */
  private boolean computeAllowsSomeAddress() {
    for (Entry a : allow) {
      var covering = new ArrayList<Cidr>(reserved);
      for (Entry d : deny) {
        if (d.cidr().specificity() >= a.cidr().specificity()) {
          covering.add(d.cidr());
        }
      }
      if (!covered(a.cidr(), covering)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the union of {@code blocks} contains every address of {@code block}. */
  private static boolean covered(Cidr block, List<Cidr> blocks) {
    var inside = new ArrayList<Cidr>();
    for (Cidr c : blocks) {
      if (c.contains(block)) {
        return true;
      }
      if (c.intersects(block)) {
        inside.add(c); // strictly inside block
      }
    }
    if (inside.isEmpty() || block.isSingleAddress()) {
      return false;
    }
    return covered(block.half(false), inside) && covered(block.half(true), inside);
  }

  /**
   * Whether any address at all can pass this policy. When false, a name need not (and must not)
   * be resolved: whatever it resolves to is refused.
   */
  public boolean allowsSomeAddress() {
    return allowsSomeAddress;
  }

  private static void add(List<Entry> list, List<String> blocks, String rule, @Nullable String by) {
    for (String block : blocks) {
      list.add(new Entry(Cidr.parse(block), rule, by));
    }
  }

  /**
   * Builds a policy from workerd-style lists.
   *
   * @throws IllegalArgumentException for an entry that is neither a keyword nor a CIDR block, and
   *     for {@code deny} of {@code public} or {@code network}
   */
  public static NetworkPolicy of(List<String> allow, List<String> deny) {
    requireNonNull(allow, "allow");
    requireNonNull(deny, "deny");
    return new NetworkPolicy(allow, deny);
  }

  /** workerd's default: {@code allow = ["public"]}, nothing denied. */
  public static NetworkPolicy defaultPolicy() {
    return of(List.of("public"), List.of());
  }

  /** The allow list as configured. */
  public List<String> allowRules() {
    return allowRules;
  }

  /** The deny list as configured. */
  public List<String> denyRules() {
    return denyRules;
  }

  /** Decides whether a connection to {@code address} is permitted. Never does I/O. */
  public Decision check(InetAddress address) {
    requireNonNull(address, "address");
    Entry bestAllow = null;
    for (Entry e : allow) {
      if (e.cidr().matches(address)
          && (bestAllow == null || e.cidr().specificity() > bestAllow.cidr().specificity())) {
        bestAllow = e;
      }
    }
    if (bestAllow == null) {
      return new Decision(false, address, "matches no allow rule (allow = "
          + allowRules.stream().map(r -> "\"" + r + "\"").collect(Collectors.joining(", ", "[", "]"))
          + ")");
    }
    for (Entry e : deny) {
      if (e.cidr().matches(address) && e.cidr().specificity() >= bestAllow.cidr().specificity()) {
        return new Decision(false, address, "matches " + e.describe("deny")
            + (bestAllow.cidr().specificity() > 0
                ? ", at least as specific as allow \"" + bestAllow.rule() + "\""
                : ""));
      }
    }
    for (Cidr r : reserved) {
      if (r.matches(address)) {
        return new Decision(false, address, "is in the reserved range " + r + " (always refused)");
      }
    }
    return new Decision(true, address, "matches allow \"" + bestAllow.rule() + "\"");
  }

  @Override public String toString() {
    return "NetworkPolicy[allow=" + allowRules + ", deny=" + denyRules + "]";
  }
}
