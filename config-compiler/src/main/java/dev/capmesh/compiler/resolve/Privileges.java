package dev.capmesh.compiler.resolve;

import dev.capmesh.compiler.resolve.PrivilegeDiff.Category;
import dev.capmesh.compiler.resolve.PrivilegeDiff.Privilege;
import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Socket;
import dev.capmesh.schema.model.Worker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The privileges one worker of a resolved config holds, described in words a reviewer reads:
 * each binding by name, kind and what it designates, its outbound services, and what it reaches
 * only through other workers. Values of text-like bindings and credentials are never described.
 */
final class Privileges {
  private Privileges() {}

  /** Kinds of the capability report that belong to a worker itself, not to what it can reach. */
  private static final Set<String> OWN_KINDS = Set.of("secret", "environment", "cryptoKey");

  /**
   * One privilege held, with what must be compared beyond its description.
   *
   * @param privilege what a reviewer sees
   * @param credential a binding whose value is a credential (secret, key, password, or inner
   *     bindings): a change of value keeps the description but is reported as changed
   */
  record Held(Privilege privilege, @Nullable BindingKind credential) {
    @Override
    public String toString() {
      return "Held[" + privilege + "]"; // never the credential
    }
  }

  /** Every privilege of worker service {@code service} in {@code config}, by key. */
  static Map<String, Held> of(Config config, Service service,
      CapabilityReport.@Nullable WorkerCapabilities reach) {
    Worker w = ((ServiceKind.WorkerService) service.kind()).worker();
    var out = new LinkedHashMap<String, Held>();
    for (Binding b : w.bindings()) {
      String text = binding(config, b);
      @Nullable BindingKind credential = switch (b.kind()) {
        case BindingKind.Secret s -> s;
        case BindingKind.CryptoKey k -> k;
        case BindingKind.Hyperdrive h -> h;
        case BindingKind.Wrapped x -> x;
        default -> null;
      };
      put(out, new Privilege(Category.BINDING, b.name(), text, List.of()), credential);
    }
    w.globalOutbound().ifPresent(d -> put(out, new Privilege(Category.OUTBOUND, "globalOutbound",
        globalOutbound(config, d), List.of()), null));
    w.cacheApiOutbound().ifPresent(d -> put(out, new Privilege(Category.OUTBOUND, "cacheApiOutbound",
        "cacheApiOutbound -> " + target(config, d), List.of()), null));
    for (ServiceDesignator d : w.tails()) {
      put(out, new Privilege(Category.OUTBOUND, "tails", "trace events (tails) -> " + target(config, d),
          List.of()), null);
    }
    for (ServiceDesignator d : w.streamingTails()) {
      put(out, new Privilege(Category.OUTBOUND, "streamingTails",
          "trace events (streamingTails) -> " + target(config, d), List.of()), null);
    }
    if (reach != null) {
      transitive(reach, out);
    }
    return out;
  }

  /**
   * What the worker reaches only through a chain of service bindings (the capability report's
   * resources with a non-empty {@code via}), leaving out what it also holds itself and what
   * belongs to the intermediate workers (their secrets, keys and environment).
   */
  private static void transitive(CapabilityReport.WorkerCapabilities reach, Map<String, Held> out) {
    var direct = new java.util.HashSet<String>();
    for (CapabilityReport.Resource r : reach.resources()) {
      if (r.via().isEmpty()) {
        direct.add(reachKey(r));
      }
    }
    for (CapabilityReport.Resource r : reach.resources()) {
      if (r.via().isEmpty() || OWN_KINDS.contains(r.kind()) || direct.contains(reachKey(r))) {
        continue;
      }
      // Breadth-first: the first path found is a shortest one; the key leaves the path out, so a
      // new route to the same resource is not a new privilege.
      out.putIfAbsent(reachKey(r), new Held(new Privilege(Category.REACH, r.kind() + " " + r.name(),
          escape("transitive reach: " + r.kind() + " " + quote(r.name())
              + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")")
              + " through " + String.join(" -> ", r.via().stream().map(Privileges::quote).toList()), false),
          r.via()), null));
    }
  }

  private static String reachKey(CapabilityReport.Resource r) {
    return "reach\0" + r.kind() + "\0" + r.name() + "\0" + r.detail();
  }

  private static void put(Map<String, Held> out, Privilege p, @Nullable BindingKind credential) {
    // Identical outbound entries (a service listed twice in tails) are one privilege. Parts not
    // quoted (paths, URLs, props) still must not break a line: escape what is left.
    Privilege safe = new Privilege(p.category(), p.name(), escape(p.text(), false), p.via());
    out.putIfAbsent(p.category() + "\0" + safe.text(), new Held(safe, credential));
  }

  /** A binding by kind and name, with what it designates; never a value. */
  static String binding(Config config, Binding b) {
    String head = b.kind().kindName() + " " + name(b.name());
    return switch (b.kind()) {
      case BindingKind.Unspecified u -> head;
      case BindingKind.Parameter p -> head + " (" + p.expected().schemaName() + (p.optional() ? ", optional" : "") + ")";
      case BindingKind.Text t -> head;
      case BindingKind.Secret s -> head;
      case BindingKind.Data d -> head;
      case BindingKind.Json j -> head;
      case BindingKind.WasmModule m -> head;
      case BindingKind.FromEnvironment e -> head + " <- environment variable " + quote(e.variable());
      case BindingKind.CryptoKey k -> head + " (" + CapabilityReport.keyDetail(k) + ")";
      case BindingKind.Service s -> head + " -> " + target(config, s.service());
      case BindingKind.KvNamespace k -> head + " -> " + target(config, k.service());
      case BindingKind.R2Bucket r -> head + " -> " + target(config, r.service());
      case BindingKind.DurableObjectNamespace d -> head + " -> class " + quote(d.className())
          + d.serviceName().map(n -> " of service " + quote(n)).orElse("");
      case BindingKind.OtherDesignated o -> head + " -> " + target(config, o.service());
      case BindingKind.Hyperdrive h -> head + " -> " + target(config, h.service()) + " database "
          + quote(h.database()) + " user " + quote(h.user()) + " scheme " + quote(h.scheme());
      case BindingKind.Wrapped x -> head + " (module " + quote(x.moduleName()) + " entrypoint "
          + quote(x.entrypoint()) + " with " + x.innerBindings().stream().map(i -> binding(config, i)).toList() + ")";
      case BindingKind.Other o -> head + o.id().map(id -> " id " + quote(id)).orElse("");
    };
  }

  /** {@code network egress (globalOutbound "internet": allow [public])}, or the target in words. */
  private static String globalOutbound(Config config, ServiceDesignator d) {
    Optional<Service> s = config.service(d.name());
    if (s.isPresent() && (s.get().kind() instanceof ServiceKind.NetworkService
        || s.get().kind() instanceof ServiceKind.ExternalService)) {
      String kind = s.get().kind() instanceof ServiceKind.ExternalService ? "external " : "";
      return "network egress (globalOutbound " + quote(d.name()) + ": " + kind
          + CapabilityReport.detail(s.get().kind()) + ")";
    }
    return "globalOutbound -> " + target(config, d);
  }

  /** {@code service "name" entrypoint "E" props {...} (kind: detail)}. */
  static String target(Config config, ServiceDesignator d) {
    var out = new StringBuilder("service ").append(quote(d.name()));
    d.entrypoint().ifPresent(e -> out.append(" entrypoint ").append(quote(e)));
    d.propsJson().ifPresent(p -> out.append(" props ").append(p));
    Optional<Service> s = config.service(d.name());
    if (s.isEmpty()) {
      return out.append(" (not defined)").toString();
    }
    String detail = CapabilityReport.detail(s.get().kind());
    return out.append(" (").append(s.get().kind().kindName())
        .append(detail.isEmpty() ? "" : ": " + detail).append(')').toString();
  }

  /** A socket's address, protocol and target: {@code *:8080 (all interfaces) http -> service ...}. */
  static String socket(Config config, Socket s) {
    return address(s.address()) + " " + s.protocol().kindName() + " -> " + target(config, s.service());
  }

  static String address(String address) {
    return address.isEmpty() ? "(address set on the runner's command line)"
        : address + " (" + exposure(address) + ")";
  }

  /**
   * Who can connect to a socket address: {@code all interfaces}, {@code loopback}, {@code unix
   * socket}, {@code interface HOST}, or {@code set at start} when the config leaves it empty.
   */
  static String exposure(String address) {
    if (address.isEmpty()) {
      return "set at start";
    }
    if (address.startsWith("unix:") || address.startsWith("unix-abstract:")) {
      return "unix socket";
    }
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? address : address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty() || host.equals("*") || host.equals("0.0.0.0") || host.equals("::")) {
      return "all interfaces";
    }
    if (host.equals("localhost") || host.equals("::1") || host.startsWith("127.")) {
      return "loopback";
    }
    return "interface " + host;
  }

  /**
   * {@code text} in double quotes, with quotes, backslashes, control characters and invisible
   * formatting characters (bidi overrides, line separators) escaped: a name from the config
   * cannot end its quotes, start a new line of output or reorder what a reviewer sees.
   */
  static String quote(String text) {
    return "\"" + escape(text, true) + "\"";
  }

  /** A binding name as is when it is a plain identifier, else {@link #quote quoted}. */
  static String name(String text) {
    return text.matches("[A-Za-z_$][A-Za-z0-9_$]*") ? text : quote(text);
  }

  /** {@code text} with control and invisible formatting characters escaped as {@code \\u{...}}. */
  static String escape(String text, boolean quotes) {
    var out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      int type = Character.getType(c);
      if (quotes && (c == '"' || c == '\\')) {
        out.append('\\').appendCodePoint(c);
      } else if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED
          || type == Character.PRIVATE_USE || type == Character.SURROGATE) {
        out.append("\\u{").append(Integer.toHexString(c)).append('}');
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }

  /** Whether an address is reachable from other machines (all interfaces, or a non-loopback one). */
  static boolean isPublic(String address) {
    String e = exposure(address);
    return e.equals("all interfaces") || e.startsWith("interface ");
  }
}
