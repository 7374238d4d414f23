package dev.capmesh.compiler.support;

import static java.util.Objects.requireNonNull;

import dev.capmesh.compiler.CompiledConfig;
import dev.capmesh.compiler.Diagnostic;
import dev.capmesh.compiler.model.ModelSpans;
import dev.capmesh.crypto.ConfigKeys;
import dev.capmesh.schema.model.Binding;
import dev.capmesh.schema.model.BindingKind;
import dev.capmesh.schema.model.Config;
import dev.capmesh.schema.model.KeyUsage;
import dev.capmesh.schema.model.Module;
import dev.capmesh.schema.model.Service;
import dev.capmesh.schema.model.ServiceDesignator;
import dev.capmesh.schema.model.ServiceKind;
import dev.capmesh.schema.model.Socket;
import dev.capmesh.schema.model.TlsOptions;
import dev.capmesh.schema.model.Worker;
import dev.capmesh.schema.model.WorkerCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What of a valid config this runner cannot serve yet: the one list behind {@code bin/runner
 * check} and {@code bin/runner serve}. The config stays valid ({@code compile} writes the same
 * binary workerd would); these are limits of the runner, each named with where it is written.
 *
 * <p>It mirrors what the runner refuses when it starts: socket protocols other than http and
 * https; TLS settings it cannot read (see TlsSupport);
 * services of kinds it does not run, where something makes it start them (a socket, a service
 * binding, a {@code globalOutbound}); module and binding kinds it does not load; worker fields
 * it does not implement. Only what the runner starts is judged: worker services of the resolved
 * config (abstract services and unused {@code Worker} constants are not started). The decisions
 * are exhaustive switches over the model's sealed kinds, so a new kind does not compile until
 * someone says whether the runner serves it. Stateless.
 */
public final class RunnerSupport {
  private RunnerSupport() {}

  /**
   * One feature the runner cannot serve (from {@link #find}), or serves but probably not as
   * meant (from {@link #findWarnings}).
   *
   * @param where the model object it is written on (for its position in {@link ModelSpans})
   * @param field the field of {@code where} it is, or {@code ""} for the object itself
   * @param message what, one sentence naming the worker, service, socket or binding
   * @param hint what to do instead, if there is an obvious alternative
   */
  public record Unsupported(Object where, String field, String message, @Nullable String hint) {
    public Unsupported {
      requireNonNull(where, "where");
      requireNonNull(field, "field");
      requireNonNull(message, "message");
    }

    /** As an error positioned where it is written. */
    public Diagnostic diagnostic(ModelSpans spans) {
      return Diagnostic.error(spans.of(where, field), message, hint);
    }
  }

  /** Everything in the resolved {@code config} this runner refuses, in config order. */
  public static List<Unsupported> find(Config config) {
    requireNonNull(config, "config");
    var errors = new ArrayList<Unsupported>();
    scan(config, errors, new ArrayList<>());
    return List.copyOf(errors);
  }

  /**
   * What this runner serves but probably not as meant, in config order: TLS that trusts no
   * certificate authority (every connection fails, as in workerd), a minVersion below what the
   * runner speaks, a server certificate outside its validity. {@code check} prints these as
   * warnings; they do not stop it.
   */
  public static List<Unsupported> findWarnings(Config config) {
    requireNonNull(config, "config");
    var warnings = new ArrayList<Unsupported>();
    scan(config, new ArrayList<>(), warnings);
    return List.copyOf(warnings);
  }

  private static void scan(Config config, List<Unsupported> out, List<Unsupported> warnings) {
    // Services something makes the runner start; judged once each, like the runner does.
    var used = new LinkedHashSet<String>();
    for (Socket socket : config.sockets()) {
      String label = "Socket \"" + socket.name() + "\"";
      if (socket.protocol() instanceof Socket.Https https) {
        TlsSupport.errors(label, https.tlsOptions(), TlsSupport.Role.SERVER, out);
        TlsSupport.warnings(label, socket, https.tlsOptions(), true, TlsSupport.Role.SERVER, warnings);
        used.add(socket.service().name());
      } else if (!(socket.protocol() instanceof Socket.Http)) {
        out.add(new Unsupported(socket, "protocol", label + " is "
            + article(socket.protocol().kindName()) + " socket; this runner serves only http and https sockets so far.",
            "serve it over http = (...) or https = (...)"));
      } else {
        used.add(socket.service().name());
      }
    }
    var byName = new java.util.HashMap<String, Service>();
    for (Service s : config.services()) {
      byName.putIfAbsent(s.name(), s);
    }
    for (Service s : config.services()) {
      if (s.kind() instanceof ServiceKind.WorkerService ws) {
        worker(s.name(), ws.worker(), byName, used, out);
      }
    }
    for (Service s : config.services()) {
      String why = refusal(s.kind());
      if (why != null && used.contains(s.name())) {
        out.add(new Unsupported(s, "kind", "Service \"" + s.name() + "\" is " + why
            + ", which this runner cannot serve yet.", hint(s.kind())));
      }
      // Network and external services are started whether used or not (like workerd, so that
      // their errors show at start), so their TLS settings are judged always.
      if (used.contains(s.name()) || s.kind() instanceof ServiceKind.NetworkService
          || s.kind() instanceof ServiceKind.ExternalService) {
        tls(s, out, warnings);
      }
    }
  }

  /** The TLS errors and warnings of an external https or a network service. */
  private static void tls(Service s, List<Unsupported> out, List<Unsupported> warnings) {
    String label = "Service \"" + s.name() + "\"";
    if (s.kind() instanceof ServiceKind.ExternalService e
        && e.protocol() instanceof ServiceKind.ExternalHttps h) {
      TlsOptions tls = h.tlsOptions().orElse(NO_TLS_OPTIONS);
      h.tlsOptions().ifPresent(t -> TlsSupport.errors(label, t, TlsSupport.Role.CLIENT, out));
      TlsSupport.warnings(label, s, tls, h.tlsOptions().isPresent(), TlsSupport.Role.CLIENT, warnings);
    } else if (s.kind() instanceof ServiceKind.NetworkService n && n.tlsOptions().isPresent()) {
      TlsSupport.errors(label, n.tlsOptions().get(), TlsSupport.Role.CLIENT, out);
      TlsSupport.warnings(label, s, n.tlsOptions().get(), true, TlsSupport.Role.CLIENT, warnings);
    }
  }

  /** workerd's TlsOptions defaults, for an {@code https = ()} without tlsOptions. */
  private static final TlsOptions NO_TLS_OPTIONS = new TlsOptions(java.util.Optional.empty(),
      false, false, List.of(), "goodDefault", java.util.Optional.empty());

  /** {@link #find} of a compiled config as errors at their source positions, in file order. */
  public static List<Diagnostic> check(CompiledConfig compiled) {
    requireNonNull(compiled, "compiled");
    var out = new ArrayList<Diagnostic>();
    for (Unsupported u : find(compiled.config())) {
      out.add(u.diagnostic(compiled.spans()));
    }
    out.sort(Comparator.comparing((Diagnostic d) -> d.span().source().path())
        .thenComparingInt(d -> d.span().start()));
    return List.copyOf(out);
  }

  /** {@link #findWarnings} of a compiled config as warnings at their source positions. */
  public static List<Diagnostic> warnings(CompiledConfig compiled) {
    requireNonNull(compiled, "compiled");
    var out = new ArrayList<Diagnostic>();
    for (Unsupported u : findWarnings(compiled.config())) {
      out.add(new Diagnostic(compiled.spans().of(u.where(), u.field()), Diagnostic.Severity.WARNING,
          u.message(), u.hint()));
    }
    out.sort(Comparator.comparing((Diagnostic d) -> d.span().source().path())
        .thenComparingInt(d -> d.span().start()));
    return List.copyOf(out);
  }

  private static void worker(String name, Worker w, java.util.Map<String, Service> byName,
      Set<String> used, List<Unsupported> out) {
    String label = "Worker \"" + name + "\"";
    if (w.code() instanceof WorkerCode.Modules m) {
      for (Module module : m.modules()) {
        if (!loads(module.type())) {
          out.add(new Unsupported(module, "", label + "'s module \"" + module.name() + "\" is "
              + article(module.type().schemaName()) + " module, which this runner cannot load yet.",
              null));
        }
      }
      if (!m.modules().isEmpty() && loads(m.modules().get(0).type())
          && m.modules().get(0).type() != Module.Type.ES_MODULE
          && m.modules().get(0).type() != Module.Type.COMMON_JS_MODULE) {
        Module main = m.modules().get(0);
        out.add(new Unsupported(main, "", label + "'s first module \"" + main.name() + "\" is "
            + article(main.type().schemaName()) + " module; this runner needs the main module to be an esModule or a commonJsModule.",
            "list the worker's main JavaScript module first"));
      }
    }
    for (String field : w.unsupportedFields()) {
      out.add(new Unsupported(w, field, label + " sets " + field + ", which this runner does not support yet.", null));
    }
    for (Binding b : w.bindings()) {
      if (b.kind() instanceof BindingKind.KvNamespace kv) {
        String why = kvRefusal(kv.service().name(), byName);
        if (why != null) {
          out.add(new Unsupported(b, "kind", label + "'s kvNamespace binding \"" + b.name()
              + "\" designates " + why + " not supported by this runner yet.", null));
        } else if (!(byName.get(kv.service().name()) instanceof Service t
            && t.kind() instanceof ServiceKind.KvService)) {
          used.add(kv.service().name()); // reached over HTTP: its own kind must be servable
        }
      } else if (b.kind() instanceof BindingKind.R2Bucket r2) {
        String why = r2Refusal(r2.service().name(), byName);
        if (why != null) {
          out.add(new Unsupported(b, "kind", label + "'s r2Bucket binding \"" + b.name()
              + "\" designates " + why + " not supported by this runner yet.", null));
        }
      } else if (!provides(b.kind())) {
        out.add(new Unsupported(b, "kind", label + "'s binding \"" + b.name() + "\" is "
            + article(b.kind().kindName()) + " binding, which this runner does not support yet.", null));
      } else if (b.kind() instanceof BindingKind.Service svc) {
        used.add(svc.service().name());
      } else if (b.kind() instanceof BindingKind.CryptoKey key) {
        String problem = ConfigKeys.validate(key.format(), key.keyData(), key.algorithm(),
            key.algorithmIsJson(), key.extractable(),
            key.usages().stream().map(KeyUsage::webName).toList());
        if (problem != null) {
          out.add(new Unsupported(b, "kind", label + "'s cryptoKey binding \"" + b.name() + "\": "
              + problem, null));
        }
      }
    }
    w.globalOutbound().map(ServiceDesignator::name).ifPresent(used::add);
  }

  /**
   * Why the runner cannot serve a kvNamespace binding to {@code target} (the start of a sentence
   * ending in "not supported by this runner yet"), or null when it designates a kv service.
   */
  private static @Nullable String kvRefusal(String target, java.util.Map<String, Service> byName) {
    Service s = byName.get(target);
    if (s == null) {
      return null; // an unknown service is the resolver's error
    }
    return switch (s.kind()) {
      case ServiceKind.KvService kv -> null;
      // workerd's KV HTTP protocol, spoken to the worker or over the external service's protocol
      case ServiceKind.WorkerService w -> null;
      case ServiceKind.ExternalService e -> null;
      case ServiceKind.DiskService d -> null; // an embedded store in the directory
      default -> article(s.kind().kindName()) + " service \"" + target + "\":"
          + " a kvNamespace binding to it is";
    };
  }

  /**
   * Why the runner cannot serve an r2Bucket binding to {@code target} (the start of a sentence
   * ending in "not supported by this runner yet"), or null when it can: a storage service with
   * either backend, or a disk service (an embedded store in its directory).
   */
  private static @Nullable String r2Refusal(String target, java.util.Map<String, Service> byName) {
    Service s = byName.get(target);
    if (s == null) {
      return null; // an unknown service is the resolver's error
    }
    return switch (s.kind()) {
      case ServiceKind.StorageService st -> null;
      case ServiceKind.DiskService d -> null;
      // workerd's R2 binding protocol, spoken to a worker or external service
      case ServiceKind.WorkerService w -> "worker \"" + target + "\": the workerd R2 binding protocol is";
      case ServiceKind.ExternalService e -> "external service \"" + target + "\": the workerd R2 binding protocol is";
      default -> article(s.kind().kindName()) + " service \"" + target + "\":"
          + " an r2Bucket binding to it is";
    };
  }

  /** Whether the runner loads modules of this kind. */
  private static boolean loads(Module.Type type) {
    return switch (type) {
      case ES_MODULE, COMMON_JS_MODULE, TEXT, DATA, JSON -> true;
      case WASM, OBSOLETE, PYTHON_MODULE, PYTHON_REQUIREMENT, BUNDLED -> false;
    };
  }

  /** Whether the runner puts a binding of this kind into {@code env}. */
  private static boolean provides(BindingKind kind) {
    return switch (kind) {
      case BindingKind.Text t -> true;
      case BindingKind.Secret s -> true;
      case BindingKind.Json j -> true;
      case BindingKind.Data d -> true;
      case BindingKind.FromEnvironment e -> true;
      case BindingKind.Service s -> true;
      // Unfilled optional parameters are gone from a resolved worker; the rest is refused.
      case BindingKind.Parameter p -> false;
      case BindingKind.Unspecified u -> false;
      case BindingKind.WasmModule w -> false;
      case BindingKind.CryptoKey k -> true;
      case BindingKind.KvNamespace kv -> true; // when it designates a kv service: see kvRefusal
      case BindingKind.R2Bucket r2 -> true; // when it designates a storage or disk service: see r2Refusal
      case BindingKind.DurableObjectNamespace ns -> false;
      case BindingKind.OtherDesignated o -> false;
      case BindingKind.Hyperdrive h -> false;
      case BindingKind.Wrapped w -> false;
      case BindingKind.Other o -> false;
    };
  }

  /** Why the runner cannot run a service of this kind ("a kv service"), or null if it can. */
  private static @Nullable String refusal(ServiceKind kind) {
    return switch (kind) {
      case ServiceKind.WorkerService w -> null;
      case ServiceKind.NetworkService n -> null;
      case ServiceKind.DiskService d -> null;
      case ServiceKind.ExternalService e -> switch (e.protocol()) {
        case ServiceKind.ExternalHttp h -> null;
        case ServiceKind.ExternalHttps h -> null;
        case ServiceKind.ExternalTcp t -> "an external service over tcp";
      };
      case ServiceKind.KvService kv -> null;
      case ServiceKind.StorageService st -> null; // reached through r2Bucket bindings only
      case ServiceKind.BucketService b -> "a bucket service";
      case ServiceKind.AssetsService a -> "an assets service";
      case ServiceKind.Unspecified u -> "a service of no kind";
    };
  }

  private static @Nullable String hint(ServiceKind kind) {
    return kind instanceof ServiceKind.ExternalService ? "use http = (...) or https = (...) to reach it" : null;
  }

  /** "a kv", "an https": the word with its indefinite article. */
  private static String article(String word) {
    return ("aeio".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 || word.startsWith("r2")
        || word.startsWith("https") ? "an " : "a ") + word;
  }
}
