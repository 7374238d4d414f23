package dev.capmesh.compiler.resolve;

import dev.capmesh.compiler.Diagnostic;
import dev.capmesh.compiler.Diagnostics;
import dev.capmesh.compiler.Suggestions;
import dev.capmesh.compiler.model.ModelSpans;
import dev.capmesh.schema.net.NetworkRules;
import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.KeyUsage;
import dev.capmesh.schema.model.Module;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Socket;
import dev.capmesh.schema.model.Worker;
import dev.capmesh.schema.model.WorkerCode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks that every service designator names a service of a fitting kind, that names are unique
 * where they must be, and that crypto key usages fit their algorithm. Each worker object is
 * checked once, on the fields it writes itself (inherited ones are checked on the parent).
 */
final class ReferenceChecker {
  private static final Pattern EXPORT = Pattern.compile(
      "export\\s+(?:default\\s+)?(?:async\\s+)?(?:class|const|let|var|function\\*?)\\s+([A-Za-z_$][\\w$]*)");

  private final Resolver resolver;
  private final ModelSpans spans;
  private final Diagnostics diagnostics;

  ReferenceChecker(Resolver resolver, ModelSpans spans, Diagnostics diagnostics) {
    this.resolver = resolver;
    this.spans = spans;
    this.diagnostics = diagnostics;
  }

  void check(Config config) {
    var socketNames = new HashMap<String, Socket>();
    var addresses = new HashMap<String, Socket>();
    for (Socket s : config.sockets()) {
      if (!s.name().isEmpty()) {
        Socket first = socketNames.putIfAbsent(s.name(), s);
        if (first != null) {
          diagnostics.error(spans.of(s, "name"), "Socket \"" + s.name() + "\" is defined twice.",
              "the first one is at line " + spans.of(first, "name").line() + "; socket names must be unique");
        }
      }
      if (!s.address().isEmpty()) {
        Socket first = addresses.putIfAbsent(s.address(), s);
        if (first != null) {
          diagnostics.error(spans.of(s, "address"), "Sockets \"" + first.name() + "\" and \""
              + s.name() + "\" both listen on " + s.address() + ".");
        }
      }
      if (!s.service().name().isEmpty()) {
        String what = "Socket \"" + s.name() + "\"";
        Service target = designated(what, s.service());
        if (target != null && (target.kind() instanceof ServiceKind.KvService
            || target.kind() instanceof ServiceKind.StorageService)) {
          diagnostics.error(spans.of(s.service()), what + " serves service \"" + target.name()
              + "\", which is " + Resolver.article(target.kind().kindName()) + " service; sockets serve worker, network, external or disk services.",
              "bind it to a worker (kvNamespace = ... or r2Bucket = ...) and serve the worker");
        }
      }
    }
    for (Service s : config.services()) {
      if (s.kind() instanceof ServiceKind.AssetsService a && a.userWorker().isPresent()) {
        designated("Service \"" + s.name() + "\"'s userWorker", a.userWorker().get());
      }
      if (s.kind() instanceof ServiceKind.NetworkService n) {
        checkRules(s.name(), n, "allow", n.allow());
        checkRules(s.name(), n, "deny", n.deny());
      }
    }
    for (Worker w : resolver.workers) {
      checkWorker(w);
    }
  }

  /** Each entry is a keyword or a CIDR block, by the parser the runner's egress policy uses. */
  private void checkRules(String service, ServiceKind.NetworkService n, String list, List<String> rules) {
    for (int i = 0; i < rules.size(); i++) {
      String expected = NetworkRules.expected(rules.get(i), list.equals("deny"));
      if (expected != null) {
        diagnostics.error(spans.of(n, list + "." + i), "Network service \"" + service + "\"'s " + list
            + " entry \"" + rules.get(i) + "\" is invalid (expected: " + expected + ").");
      }
    }
  }

  private void checkWorker(Worker w) {
    String label = "Worker \"" + resolver.label(w) + "\"";
    if (!w.isDerived() && w.compatibilityDate().orElse("").isBlank()) {
      // workerd refuses such a worker when it starts ("Worker must specify compatibilityDate.").
      diagnostics.error(spans.of(w, "compatibilityDate"), label + " must specify compatibilityDate.",
          "set compatibilityDate = \"YYYY-MM-DD\": the date whose runtime behaviour the code was written for");
    }
    if (w.code() instanceof WorkerCode.Modules m) {
      var seen = new HashMap<String, Module>();
      for (Module module : m.modules()) {
        if (seen.putIfAbsent(module.name(), module) != null && !module.name().isEmpty()) {
          diagnostics.error(spans.of(module, "name"), label + " has two modules named \"" + module.name() + "\".");
        }
      }
    }
    checkBindings(w, label, w.bindings());
    w.globalOutbound().ifPresent(d -> {
      Service target = designated(label + "'s globalOutbound", d);
      if (target != null && !(target.kind() instanceof ServiceKind.NetworkService
          || target.kind() instanceof ServiceKind.ExternalService
          || target.kind() instanceof ServiceKind.WorkerService)) {
        diagnostics.error(spans.of(d), label + "'s globalOutbound is service \"" + target.name()
            + "\", " + Resolver.article(target.kind().kindName()) + " service; it must be a network, external or worker service.");
      }
    });
    w.cacheApiOutbound().ifPresent(d -> designated(label + "'s cacheApiOutbound", d));
    for (ServiceDesignator d : w.tails()) {
      designated(label + "'s tail", d);
    }
    for (ServiceDesignator d : w.streamingTails()) {
      designated(label + "'s streaming tail", d);
    }
  }

  private void checkBindings(Worker w, String label, List<Binding> bindings) {
    var names = new HashMap<String, Binding>();
    for (Binding b : bindings) {
      if (!b.name().isEmpty() && names.putIfAbsent(b.name(), b) != null) {
        diagnostics.error(spans.of(b, "name"), label + " has two bindings named \"" + b.name() + "\".",
            "binding names are the properties of env and must be unique");
      }
      String what = label + "'s binding \"" + b.name() + "\"";
      switch (b.kind()) {
        case BindingKind.KvNamespace kv -> expectKind(what, kv.service(), "kvNamespace", "kv",
            ServiceKind.KvService.class);
        case BindingKind.R2Bucket r2 -> expectKind(what, r2.service(), "r2Bucket", "storage",
            ServiceKind.StorageService.class);
        case BindingKind.Service svc -> {
          Service target = designated(what, svc.service());
          if (target != null && (target.kind() instanceof ServiceKind.KvService
              || target.kind() instanceof ServiceKind.StorageService)) {
            String fix = target.kind() instanceof ServiceKind.KvService ? "kvNamespace" : "r2Bucket";
            diagnostics.error(spans.of(svc.service()), what + " is a service binding to \"" + target.name()
                + "\", which is " + Resolver.article(target.kind().kindName()) + " service.",
                "write " + fix + " = \"" + target.name() + "\" instead of service = ...");
          } else if (target != null) {
            checkEntrypoint(what, svc.service(), target);
          }
        }
        case BindingKind.DurableObjectNamespace dns -> {
          if (dns.serviceName().isPresent()) {
            ServiceDesignator d = ServiceDesignator.of(dns.serviceName().get());
            spans.copy(b.kind(), d);
            Service target = designated(what, d);
            if (target != null && target.kind() instanceof ServiceKind.WorkerService ws) {
              Worker eff = resolver.effective(ws.worker());
              if (eff.durableObjectNamespaces().stream().noneMatch(n -> n.className().equals(dns.className()))) {
                diagnostics.error(spans.of(b.kind()), what + " names Durable Object class \""
                    + dns.className() + "\", but service \"" + target.name() + "\" declares no such namespace.",
                    Suggestions.didYouMean(dns.className(), eff.durableObjectNamespaces().stream()
                        .map(Worker.DurableObjectNamespace::className).toList()));
              }
            } else if (target != null) {
              diagnostics.error(spans.of(b.kind()), what + " names service \"" + target.name()
                  + "\" for its Durable Objects, but that is " + Resolver.article(target.kind().kindName()) + " service, not a worker.");
            }
          }
        }
        case BindingKind.CryptoKey key -> checkUsages(what, b, key);
        case BindingKind.Wrapped wrapped -> checkBindings(w, label, wrapped.innerBindings());
        default -> b.kind().designator().ifPresent(d -> {
          if (!d.name().isEmpty()) {
            designated(what, d);
          }
        });
      }
    }
  }

  /**
   * A kvNamespace or r2Bucket binding designates its native service kind, or, as in workerd, a
   * service that speaks the binding's HTTP protocol: a worker or external service (the usual way
   * to mock them), or a disk service (an embedded store in its directory).
   */
  private void expectKind(String what, ServiceDesignator d, String binding, String kind,
      Class<? extends ServiceKind> expected) {
    Service target = designated(what, d);
    if (target == null || expected.isInstance(target.kind())
        || target.kind() instanceof ServiceKind.WorkerService
        || target.kind() instanceof ServiceKind.ExternalService) {
      return;
    }
    if (target.kind() instanceof ServiceKind.DiskService disk) {
      if (!disk.writable()) {
        diagnostics.add(new Diagnostic(spans.of(d), Diagnostic.Severity.WARNING, what + " designates disk service \""
            + target.name() + "\", which is not writable: writes through the binding will fail.",
            "set writable = true on the disk service"));
      }
      return;
    }
    diagnostics.error(spans.of(d), what + " is " + Resolver.article(binding) + " binding, but service \""
        + target.name() + "\" is " + Resolver.article(target.kind().kindName()) + " service.",
        Resolver.article(binding) + " binding must designate " + Resolver.article(kind)
            + ", worker, external or disk service");
  }

  /**
   * The designated service, or null after reporting that it does not exist. Every designator
   * invokes its service, so one naming an abstract service (only an inheritance base) is an error
   * here, at the reference.
   */
  private Service designated(String what, ServiceDesignator d) {
    Service target = resolver.services.get(d.name());
    if (target == null) {
      diagnostics.error(spans.of(d), what + " refers to a service \"" + d.name()
          + "\", but no such service is defined.",
          Suggestions.didYouMean(d.name(), resolver.services.keySet()));
    } else if (!resolver.unfilledParameters(target.name()).isEmpty()) {
      Resolver.Problem problem = resolver.abstractReference(target);
      diagnostics.error(spans.of(d), what + " refers to " + problem.message(), problem.hint());
    }
    return target;
  }

  private void checkEntrypoint(String what, ServiceDesignator d, Service target) {
    if (d.entrypoint().isEmpty()) {
      return;
    }
    String entrypoint = d.entrypoint().get();
    if (!(target.kind() instanceof ServiceKind.WorkerService ws)) {
      diagnostics.error(spans.of(d, "entrypoint"), what + " names entrypoint \"" + entrypoint
          + "\", but service \"" + target.name() + "\" is " + Resolver.article(target.kind().kindName())
          + " service; only workers have entrypoints.");
      return;
    }
    if (!(resolver.effective(ws.worker()).code() instanceof WorkerCode.Modules m)) {
      return;
    }
    var exported = new java.util.TreeSet<String>();
    for (Module module : m.modules()) {
      if (module.type() != Module.Type.ES_MODULE) {
        return; // other module kinds export things we cannot see
      }
      if (module.text().contains("export {") || module.text().contains("export{")
          || module.text().contains("export *")) {
        return; // re-exports: we do not parse JavaScript
      }
      var matcher = EXPORT.matcher(module.text());
      while (matcher.find()) {
        exported.add(matcher.group(1));
      }
    }
    if (!exported.contains(entrypoint)) {
      diagnostics.add(new Diagnostic(spans.of(d, "entrypoint"), Diagnostic.Severity.WARNING,
          what + " names entrypoint \"" + entrypoint + "\", but service \"" + target.name()
              + "\"'s modules do not seem to export it.",
          exported.isEmpty() ? null : Suggestions.didYouMean(entrypoint, exported)));
    }
  }

  private void checkUsages(String what, Binding b, BindingKind.CryptoKey key) {
    if (key.algorithmIsJson()) {
      return;
    }
    Set<KeyUsage> allowed = allowedUsages(key.algorithm());
    if (allowed == null) {
      return;
    }
    for (KeyUsage u : key.usages()) {
      if (!allowed.contains(u)) {
        diagnostics.error(spans.of(b.kind()), what + ": " + key.algorithm()
            + " keys cannot be used to " + u.webName() + ".",
            key.algorithm() + " keys allow: " + allowed.stream().sorted().map(KeyUsage::webName)
                .collect(Collectors.joining(", ")));
      }
    }
  }

  private static final Map<String, Set<KeyUsage>> USAGES = Map.ofEntries(
      Map.entry("HMAC", Set.of(KeyUsage.SIGN, KeyUsage.VERIFY)),
      Map.entry("ECDSA", Set.of(KeyUsage.SIGN, KeyUsage.VERIFY)),
      Map.entry("ED25519", Set.of(KeyUsage.SIGN, KeyUsage.VERIFY)),
      Map.entry("RSASSA-PKCS1-V1_5", Set.of(KeyUsage.SIGN, KeyUsage.VERIFY)),
      Map.entry("RSA-PSS", Set.of(KeyUsage.SIGN, KeyUsage.VERIFY)),
      Map.entry("RSA-OAEP", Set.of(KeyUsage.ENCRYPT, KeyUsage.DECRYPT, KeyUsage.WRAP_KEY, KeyUsage.UNWRAP_KEY)),
      Map.entry("AES-GCM", Set.of(KeyUsage.ENCRYPT, KeyUsage.DECRYPT, KeyUsage.WRAP_KEY, KeyUsage.UNWRAP_KEY)),
      Map.entry("AES-CBC", Set.of(KeyUsage.ENCRYPT, KeyUsage.DECRYPT, KeyUsage.WRAP_KEY, KeyUsage.UNWRAP_KEY)),
      Map.entry("AES-CTR", Set.of(KeyUsage.ENCRYPT, KeyUsage.DECRYPT, KeyUsage.WRAP_KEY, KeyUsage.UNWRAP_KEY)),
      Map.entry("AES-KW", Set.of(KeyUsage.WRAP_KEY, KeyUsage.UNWRAP_KEY)),
      Map.entry("ECDH", Set.of(KeyUsage.DERIVE_KEY, KeyUsage.DERIVE_BITS)),
      Map.entry("X25519", Set.of(KeyUsage.DERIVE_KEY, KeyUsage.DERIVE_BITS)),
      Map.entry("HKDF", Set.of(KeyUsage.DERIVE_KEY, KeyUsage.DERIVE_BITS)),
      Map.entry("PBKDF2", Set.of(KeyUsage.DERIVE_KEY, KeyUsage.DERIVE_BITS)));

  private static Set<KeyUsage> allowedUsages(String algorithm) {
    return USAGES.get(algorithm.toUpperCase(java.util.Locale.ROOT));
  }
}
