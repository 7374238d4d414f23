package dev.capmesh.compiler.resolve;

import static java.util.Objects.requireNonNull;

import dev.capmesh.compiler.Diagnostics;
import dev.capmesh.compiler.Suggestions;
import dev.capmesh.compiler.model.BuiltModel;
import dev.capmesh.compiler.model.ModelSpans;
import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Worker;
import dev.capmesh.schema.model.WorkerCode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Applies {@code inherit} and {@code parameter} and checks every reference of a config model.
 *
 * <p>The result is the model the runner executes: every worker a service runs is flattened (its
 * effective code, compatibility settings, bindings and outbound), and unfilled optional
 * parameters are gone. Problems go to the {@link Diagnostics}; when there are errors the result
 * is still returned but must not be run. Not thread-safe; one per compile.
 */
public final class Resolver {
  private final BuiltModel model;
  private final ModelSpans spans;
  private final Diagnostics diagnostics;
  final Map<String, Service> services = new LinkedHashMap<>();
  /** Every distinct worker object (services' and constants'), with the name used in messages. */
  final Map<Worker, String> labels = new IdentityHashMap<>();
  /** The same workers in a stable order: constants as declared, then services' own workers. */
  final List<Worker> workers = new ArrayList<>();
  private final Map<Worker, String> constNames = new IdentityHashMap<>();
  private final Map<Worker, @Nullable Worker> parents = new IdentityHashMap<>();
  private final Map<Worker, Worker> effective = new IdentityHashMap<>();
  private final Set<Worker> broken = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  /** Worker services whose worker leaves non-optional parameters unfilled, with those parameters. */
  private final Map<String, List<Binding>> abstractServices = new LinkedHashMap<>();

  private Resolver(BuiltModel model, Diagnostics diagnostics) {
    this.model = model;
    this.spans = model.spans();
    this.diagnostics = diagnostics;
  }

  /**
   * The outcome of resolution.
   *
   * @param config the runnable model: every service except the abstract ones, workers flattened
   * @param abstractServices names of the worker services left out of {@code config} because their
   *     worker has unfilled, non-optional parameters (inheritance bases), in declaration order
   */
  public record Resolved(Config config, List<String> abstractServices) {
    public Resolved {
      requireNonNull(config, "config");
      abstractServices = List.copyOf(abstractServices);
    }
  }

  /** Resolves {@code model}, adding problems to {@code diagnostics}. */
  public static Resolved resolve(BuiltModel model, Diagnostics diagnostics) {
    requireNonNull(model, "model");
    requireNonNull(diagnostics, "diagnostics");
    return new Resolver(model, diagnostics).run();
  }

  private Resolved run() {
    Config config = model.config();
    for (Service s : config.services()) {
      if (s.name().isEmpty()) {
        continue;
      }
      Service first = services.putIfAbsent(s.name(), s);
      if (first != null) {
        diagnostics.error(spans.of(s, "name"), "Service \"" + s.name() + "\" is defined twice.",
            "the first one is at line " + spans.of(first, "name").line() + "; service names must be unique");
      }
    }
    model.workerConsts().forEach((name, w) -> {
      constNames.putIfAbsent(w, name);
      if (labels.putIfAbsent(w, name) == null) {
        workers.add(w);
      }
    });
    for (Service s : config.services()) {
      if (s.kind() instanceof ServiceKind.WorkerService ws) {
        if (labels.putIfAbsent(ws.worker(), s.name()) == null) {
          workers.add(ws.worker());
        }
      }
    }
    for (Worker w : workers) {
      effective(w);
    }
    for (Service s : config.services()) {
      if (s.kind() instanceof ServiceKind.WorkerService ws && !broken.contains(ws.worker())) {
        List<Binding> missing = unfilled(effective(ws.worker()));
        if (!missing.isEmpty()) {
          abstractServices.putIfAbsent(s.name(), missing);
        }
      }
    }
    new ReferenceChecker(this, spans, diagnostics).check(config);

    var resolved = new ArrayList<Service>();
    for (Service s : config.services()) {
      if (s.kind() instanceof ServiceKind.WorkerService ws) {
        if (abstractServices.containsKey(s.name())) {
          continue; // only inherited from: nothing runs it
        }
        Worker eff = effective(ws.worker());
        Worker runnable = withoutUnfilledParameters(eff);
        spans.copy(ws.worker(), runnable);
        var service = new Service(s.name(), new ServiceKind.WorkerService(runnable));
        spans.copy(s, service);
        resolved.add(service);
      } else {
        resolved.add(s);
      }
    }
    return new Resolved(config.withServices(resolved), List.copyOf(abstractServices.keySet()));
  }

  String label(Worker w) {
    return labels.getOrDefault(w, "?");
  }

  /** The worker {@code w} inherits from, or null (no inherit, or an unknown parent). */
  @Nullable Worker parent(Worker w) {
    if (parents.containsKey(w)) {
      return parents.get(w);
    }
    Worker parent = null;
    if (w.code() instanceof WorkerCode.Inherit inherit) {
      String name = inherit.parent();
      Service s = services.get(name);
      if (s != null && s.kind() instanceof ServiceKind.WorkerService ws) {
        parent = ws.worker();
      } else if (s != null) {
        diagnostics.error(spans.of(w, "inherit"), "Worker \"" + label(w) + "\" inherits from \""
            + name + "\", but that is " + article(s.kind().kindName()) + " service, not a worker.");
      } else if (model.workerConsts().containsKey(name)) {
        parent = model.workerConsts().get(name);
      } else {
        var candidates = new ArrayList<String>();
        services.values().stream().filter(x -> x.kind() instanceof ServiceKind.WorkerService)
            .forEach(x -> candidates.add(x.name()));
        candidates.addAll(model.workerConsts().keySet());
        diagnostics.error(spans.of(w, "inherit"), "Worker \"" + label(w) + "\" inherits from \""
            + name + "\", but there is no worker service or Worker constant with that name.",
            Suggestions.didYouMean(name, candidates));
      }
    }
    parents.put(w, parent);
    return parent;
  }

  /** The flattened worker: {@code w} itself if it has code, else its chain merged. */
  Worker effective(Worker w) {
    Worker known = effective.get(w);
    if (known != null) {
      return known;
    }
    Worker result = w;
    if (w.isDerived()) {
      List<Worker> chain = new ArrayList<>();
      Worker cur = w;
      while (cur != null && cur.isDerived() && !effective.containsKey(cur)) {
        int at = indexOf(chain, cur);
        if (at >= 0) {
          reportCycle(chain.subList(at, chain.size()));
          for (Worker c : chain) {
            effective.put(c, c);
            broken.add(c);
          }
          return w;
        }
        chain.add(cur);
        cur = parent(cur);
      }
      checkDerivedFields(w);
      Worker parent = parent(w);
      if (parent == null) {
        broken.add(w);
        result = w;
      } else {
        Worker base = effective(parent);
        if (broken.contains(parent)) {
          broken.add(w);
        }
        result = broken.contains(w) ? w : merge(w, base);
        spans.copy(w, result);
      }
    }
    effective.put(w, result);
    return result;
  }

  private static int indexOf(List<Worker> list, Worker w) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == w) {
        return i;
      }
    }
    return -1;
  }

  private void reportCycle(List<Worker> cycle) {
    if (cycle.stream().anyMatch(broken::contains)) {
      return;
    }
    // Start the chain at the member written first, so the message does not depend on visit order.
    Worker first = cycle.get(0);
    for (Worker c : cycle) {
      if (spans.of(c).start() < spans.of(first).start()) {
        first = c;
      }
    }
    int start = indexOf(cycle, first);
    var names = new ArrayList<String>();
    for (int i = 0; i <= cycle.size(); i++) {
      names.add(label(cycle.get((start + i) % cycle.size())));
    }
    diagnostics.error(spans.of(first, "inherit"), "Workers inherit from each other in a cycle: "
        + String.join(" -> ", names) + ".", "one worker of the chain must have its own modules");
  }

  private void checkDerivedFields(Worker w) {
    for (String field : List.of("compatibilityDate", "compatibilityFlags")) {
      if (spans.has(w, field)) {
        diagnostics.error(spans.of(w, field), "Worker \"" + label(w) + "\" inherits from \""
            + ((WorkerCode.Inherit) w.code()).parent() + "\" and may not set " + field + ".",
            "a derived worker runs its parent's code with its parent's " + field + "; remove it here");
      }
    }
  }

  private Worker merge(Worker w, Worker base) {
    String parentName = ((WorkerCode.Inherit) w.code()).parent();
    var bindings = new ArrayList<>(base.bindings());
    for (Binding b : w.bindings()) {
      int at = -1;
      for (int i = 0; i < bindings.size(); i++) {
        if (bindings.get(i).name().equals(b.name())) {
          at = i;
        }
      }
      if (at < 0) {
        diagnostics.error(spans.of(b, "name"), "Worker \"" + label(w) + "\" sets binding \""
            + b.name() + "\", but \"" + parentName + "\" has no binding with that name.",
            hintOr(Suggestions.didYouMean(b.name(), base.bindings().stream().map(Binding::name).toList()),
                "a derived worker can only replace its parent's bindings"));
        continue;
      }
      Binding old = bindings.get(at);
      checkOverride(w, parentName, old, b);
      bindings.set(at, b);
    }
    boolean set = spans.has(w, "globalOutbound");
    return new Worker(base.code(), base.compatibilityDate(), base.compatibilityFlags(), bindings,
        set ? w.globalOutbound() : base.globalOutbound(),
        spans.has(w, "cacheApiOutbound") ? w.cacheApiOutbound() : base.cacheApiOutbound(),
        spans.has(w, "durableObjectNamespaces") ? w.durableObjectNamespaces() : base.durableObjectNamespaces(),
        spans.has(w, "durableObjectUniqueKeyModifier") ? w.durableObjectUniqueKeyModifier()
            : base.durableObjectUniqueKeyModifier(),
        spans.has(w, "durableObjectStorage") ? w.durableObjectStorage() : base.durableObjectStorage(),
        spans.has(w, "moduleFallback") ? w.moduleFallback() : base.moduleFallback(),
        spans.has(w, "tails") ? w.tails() : base.tails(),
        spans.has(w, "streamingTails") ? w.streamingTails() : base.streamingTails(),
        w.unsupportedFields().isEmpty() ? base.unsupportedFields() : w.unsupportedFields());
  }

  private void checkOverride(Worker w, String parentName, Binding old, Binding b) {
    String where = "Worker \"" + label(w) + "\"'s binding \"" + b.name() + "\"";
    if (old.kind() instanceof BindingKind.Parameter p) {
      if (b.kind() instanceof BindingKind.Parameter q) {
        if (q.expected() != p.expected()) {
          diagnostics.error(spans.of(b, "kind"), where + " redeclares a parameter of type "
              + p.expected().schemaName() + " as type " + q.expected().schemaName() + ".");
        }
        return;
      }
      if (b.kind().type() != p.expected()) {
        diagnostics.error(spans.of(b, "kind"), where + " is " + article(b.kind().kindName())
            + " binding, but it fills a parameter of type " + p.expected().schemaName() + ".",
            "fill it with " + p.expected().schemaName() + " = ...");
      } else if (b.kind() instanceof BindingKind.CryptoKey key
          && !key.usages().containsAll(p.cryptoKeyUsages())) {
        diagnostics.error(spans.of(b, "kind"), where + " fills a cryptoKey parameter that needs usages "
            + webNames(p.cryptoKeyUsages()) + ", but the key allows only " + webNames(key.usages()) + ".");
      }
      return;
    }
    if (!old.kind().kindName().equals(b.kind().kindName())) {
      diagnostics.error(spans.of(b, "kind"), where + " is " + article(b.kind().kindName())
          + " binding, but it replaces " + article(old.kind().kindName()) + " binding of \"" + parentName + "\".",
          "an override must be of the same kind as the binding it replaces");
    }
  }

  private static String webNames(List<dev.capmesh.schema.model.KeyUsage> usages) {
    return usages.stream().map(dev.capmesh.schema.model.KeyUsage::webName)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** "a kv", "an r2Bucket": the word with its indefinite article. */
  static String article(String word) {
    return ("aeio".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 || word.startsWith("r2") ? "an " : "a ") + word;
  }

  private static String hintOr(@Nullable String hint, String fallback) {
    return hint != null ? hint : fallback;
  }

  /** Unfilled, non-optional parameters of the flattened worker. */
  static List<Binding> unfilled(Worker eff) {
    return eff.bindings().stream()
        .filter(b -> b.kind() instanceof BindingKind.Parameter p && !p.optional()).toList();
  }

  /**
   * The unfilled, non-optional parameters of service {@code name}'s worker; empty unless the
   * service is abstract (it can only be inherited from).
   */
  List<Binding> unfilledParameters(String name) {
    return abstractServices.getOrDefault(name, List.of());
  }

  /**
   * Why a reference to abstract service {@code s} cannot be served, and which workers would do:
   * the message tail and the hint of the error reported at the reference.
   */
  Problem abstractReference(Service s) {
    Worker w = ((ServiceKind.WorkerService) s.kind()).worker();
    List<Binding> missing = unfilledParameters(s.name());
    String names = missing.stream().map(b -> "\"" + b.name() + "\"").collect(Collectors.joining(", "));
    String params = (missing.size() == 1 ? "parameter " : "parameters ") + names;
    String subject = constNames.containsKey(w) ? "its worker \"" + constNames.get(w) + "\"" : "its worker";
    String message = "service \"" + s.name() + "\", which is abstract (" + subject + " leaves " + params
        + " unfilled) and can only be inherited from.";
    String it = missing.size() == 1 ? "it" : "them";
    var services = new ArrayList<String>();
    var consts = new ArrayList<String>();
    var served = java.util.Collections.newSetFromMap(new IdentityHashMap<Worker, Boolean>());
    for (Service other : this.services.values()) {
      if (other.kind() instanceof ServiceKind.WorkerService ows) {
        served.add(ows.worker());
        if (fills(ows.worker(), w)) {
          services.add("\"" + other.name() + "\"");
        }
      }
    }
    for (Worker other : workers) {
      if (!served.contains(other) && constNames.containsKey(other) && fills(other, w)) {
        consts.add("worker = ." + constNames.get(other));
      }
    }
    String hint;
    if (!services.isEmpty()) {
      hint = "did you mean " + String.join(" or ", services) + "?";
    } else if (!consts.isEmpty()) {
      hint = "serve a worker that fills " + it + " instead: " + String.join(" or ", consts);
    } else {
      hint = "derive a worker that fills " + it + ": (name = \"...\", worker = (inherit = \"" + s.name()
          + "\", bindings = [(name = \"" + missing.get(0).name() + "\", ...)]))";
    }
    return new Problem(message, hint);
  }

  /** The tail of an error message and its hint. */
  record Problem(String message, String hint) {}

  /** Whether {@code other} derives from {@code base} and leaves no parameter unfilled. */
  private boolean fills(Worker other, Worker base) {
    return other != base && descendsFrom(other, base) && !broken.contains(other)
        && unfilled(effective(other)).isEmpty();
  }

  private boolean descendsFrom(Worker w, Worker ancestor) {
    var seen = java.util.Collections.newSetFromMap(new IdentityHashMap<Worker, Boolean>());
    for (Worker p = parents.get(w); p != null && seen.add(p); p = parents.get(p)) {
      if (p == ancestor) {
        return true;
      }
    }
    return false;
  }

  private Worker withoutUnfilledParameters(Worker eff) {
    if (eff.bindings().stream().noneMatch(b -> b.kind() instanceof BindingKind.Parameter)) {
      return eff;
    }
    var kept = eff.bindings().stream().filter(b -> !(b.kind() instanceof BindingKind.Parameter)).toList();
    return new Worker(eff.code(), eff.compatibilityDate(), eff.compatibilityFlags(), kept,
        eff.globalOutbound(), eff.cacheApiOutbound(), eff.durableObjectNamespaces(),
        eff.durableObjectUniqueKeyModifier(), eff.durableObjectStorage(), eff.moduleFallback(),
        eff.tails(), eff.streamingTails(), eff.unsupportedFields());
  }
}
